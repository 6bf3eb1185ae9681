package io.github.orderoutbox.relay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What operators and their tools see of a running relay: open health (its details only for the
 * operator) and Prometheus endpoints, and the outbox admin endpoint behind HTTP basic
 * authentication as the configured operator.
 */
class ObservabilityIT {

    private static final String PASSWORD = "it-secret";
    private static final int EVENTS = 20;
    private static final String PARKED_ORDER = "order-parked";
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)", Pattern.MULTILINE);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static RelayFixture fixture;
    private static String baseUrl;

    @BeforeAll
    static void startRelayThatPublishedSomeEventsAndParkedOne() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        fixture.jdbc.update("""
                INSERT INTO outbox (event_id, aggregate_id, event_type, payload, attempts, last_error, parked_at)
                VALUES (gen_random_uuid(), ?, 'OrderPlaced', '{}', 10, 'parked by the test', now())
                """, PARKED_ORDER);
        OrderWriter writer = new OrderWriter(fixture.admin);
        for (int i = 0; i < EVENTS; i++) {
            writer.append(OrderWriter.orderId(i % 5));
        }
        ConfigurableApplicationContext relay = fixture.startRelay(Map.of("relay.admin.password", PASSWORD));
        baseUrl = baseUrl(relay);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(fixture.jdbc.queryForObject(
                "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL", Long.class)).isEqualTo(EVENTS));
    }

    @AfterAll
    static void stopRelay() {
        fixture.close();
    }

    @Test
    void healthShowsAnonymousCallersTheStatusOnly() throws Exception {
        HttpResponse<String> response = get(baseUrl + "/actuator/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.has("components")).as("components in %s", response.body()).isFalse();
        assertThat(response.body()).doesNotContain("clusterId").doesNotContain("PostgreSQL");
    }

    @Test
    void healthShowsTheOperatorDatabaseAndKafkaDetails() throws Exception {
        HttpResponse<String> response = get(baseUrl + "/actuator/health", basic("admin", PASSWORD));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("db").path("details").path("database").asString()).isEqualTo("PostgreSQL");
        assertThat(health.path("components").path("kafka").path("status").asString()).isEqualTo("UP");
        assertThat(health.path("components").path("kafka").path("details").path("nodes").asInt()).isPositive();
    }

    @Test
    void probesAnswerWithoutAuthenticationAndWithoutDetails() throws Exception {
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
            HttpResponse<String> response = get(baseUrl + probe, null);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            JsonNode health = JSON.readTree(response.body());
            assertThat(health.path("status").asString()).as(probe).isEqualTo("UP");
            assertThat(health.has("components")).as("components in %s: %s", probe, response.body()).isFalse();
        }
    }

    @Test
    void prometheusExposesTheOutboxAndRelayMetersWithoutAuthentication() throws Exception {
        // The gauges are refreshed every relay.stats-interval; wait for one refresh after the publishing.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.names()).contains(
                    "outbox_backlog_rows",
                    "outbox_oldest_unpublished_age_seconds",
                    "outbox_parked_rows",
                    "relay_events_published_total",
                    "relay_commit_to_ack_seconds_bucket",
                    "relay_batch_size_rows_bucket",
                    "relay_failures_total",
                    "relay_leases_held");
            assertThat(scrape.values()).containsKeys(
                    "relay_failures_total{kind=\"row\"}", "relay_failures_total{kind=\"kafka_unavailable\"}");
            assertThat(scrape.values().get("relay_events_published_total")).isEqualTo(EVENTS);
            assertThat(scrape.values().get("relay_commit_to_ack_seconds_count")).isEqualTo(EVENTS);
            assertThat(scrape.values().get("relay_batch_size_rows_sum")).isEqualTo(EVENTS);
            assertThat(scrape.values().get("outbox_backlog_rows")).isZero();
            assertThat(scrape.values().get("outbox_parked_rows")).isEqualTo(1);
            assertThat(scrape.values().get("relay_leases_held")).isEqualTo(256);
        });
    }

    @Test
    void prometheusExposesTheKafkaProducersOwnMeters() throws Exception {
        Scrape scrape = scrape();

        assertThat(scrape.names()).contains("kafka_producer_request_latency_avg", "kafka_producer_buffer_available_bytes",
                "kafka_producer_record_retry_total", "kafka_producer_records_per_request_avg");
        assertThat(scrape.sum("kafka_producer_record_send_total")).isGreaterThanOrEqualTo(EVENTS);
        assertThat(scrape.sum("kafka_producer_record_error_total")).isZero();
    }

    @Test
    void outboxEndpointRefusesARequestWithoutCredentials() throws Exception {
        assertThat(get(baseUrl + "/actuator/outbox", null).statusCode()).isEqualTo(401);
    }

    @Test
    void outboxEndpointRefusesAWrongPassword() throws Exception {
        assertThat(get(baseUrl + "/actuator/outbox", basic("admin", "not-" + PASSWORD)).statusCode()).isEqualTo(401);
    }

    @Test
    void outboxEndpointShowsTheBacklogAndParkedRowsToTheOperator() throws Exception {
        HttpResponse<String> response = get(baseUrl + "/actuator/outbox", basic("admin", PASSWORD));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = JSON.readTree(response.body());
        assertThat(status.path("backlog").isNumber()).isTrue();
        assertThat(status.path("backlog").asLong()).isZero();
        assertThat(status.path("oldestUnpublishedAgeSeconds").isNumber()).isTrue();
        assertThat(status.path("parkedRows").asLong()).isEqualTo(1);
        assertThat(status.path("retryingRows").asLong()).isZero();
        assertThat(status.path("parked")).hasSize(1);
        assertThat(status.path("parked").get(0).path("aggregateId").asString()).isEqualTo(PARKED_ORDER);
        assertThat(status.path("bucketsHeld").asInt()).isEqualTo(256);
    }

    @Test
    void outboxEndpointRefusesEveryoneWhenNoAdminPasswordIsSet() throws Exception {
        try (RelayFixture unprotected = RelayFixture.create(TestServers.postgres(), TestServers.kafka())) {
            String url = baseUrl(unprotected.startRelay(Map.of())) + "/actuator/outbox";

            assertThat(get(url, null).statusCode()).isEqualTo(401);
            assertThat(get(url, basic("admin", "anything")).statusCode()).isEqualTo(401);
            assertThat(get(url, basic("admin", "")).statusCode()).isEqualTo(401);
        }
    }

    /**
     * One scrape: the metric names seen, and each sample's value by name and labels, leaving out the
     * common {@code application} tag, e.g. {@code relay_failures_total{kind="row"}}.
     */
    private record Scrape(Set<String> names, Map<String, Double> values) {

        /** The sum of a metric's samples over all their labels. */
        double sum(String name) {
            return values.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                    .mapToDouble(Map.Entry::getValue).sum();
        }
    }

    private static Scrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get(baseUrl + "/actuator/prometheus", null);
        assertThat(response.statusCode()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        Map<String, Double> values = new HashMap<>();
        Matcher m = SAMPLE.matcher(response.body());
        while (m.find()) {
            names.add(m.group(1));
            String labels = m.group(2) == null ? "" : m.group(2)
                    .replaceAll("application=\"outbox-relay\",?", "")
                    .replace(",}", "}");
            values.put(m.group(1) + ("{}".equals(labels) ? "" : labels), value(m.group(3)));
        }
        return new Scrape(names, values);
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static HttpResponse<String> get(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(UTF_8));
    }

    private static String baseUrl(ConfigurableApplicationContext relay) {
        return "http://localhost:" + relay.getEnvironment().getProperty("local.server.port");
    }
}
