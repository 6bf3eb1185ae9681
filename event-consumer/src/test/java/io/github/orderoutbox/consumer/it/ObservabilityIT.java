package io.github.orderoutbox.consumer.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What operators and their tools see of a running consumer: health of Kafka, Postgres, Redis and
 * the delivery loop, and in Prometheus the events applied, skipped, dead-lettered and parked, the
 * blocked orders, the time per pipe, and the lag per partition in records and in time.
 */
class ObservabilityIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PASSWORD = "it-secret";

    private static ConsumerFixture fixture;
    private static String baseUrl;
    private static int applied;

    @BeforeAll
    static void startConsumerThatAppliedSkippedAndDeadLetteredEvents() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        OrderEvents events = new OrderEvents(fixture.topic);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles("o-", 10));
        applied = records.size();
        records.add(OrderEvents.again(records.get(0)));                                           // a duplicate
        records.add(events.raw("bad-1", "OrderPaid", 1, UUID.randomUUID(), "not json".getBytes(UTF_8))); // a dead letter
        records.add(events.record(OrderEvents.shipped("bad-1")));                                 // parked behind it
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        var context = fixture.startConsumer(Map.of("consumer.admin.password", PASSWORD));
        baseUrl = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(records.size()));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void healthShowsAnonymousCallersTheStatusOnly() throws Exception {
        HttpResponse<String> response = get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(response.body());
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.has("components")).as("components in %s", response.body()).isFalse();
        assertThat(response.body()).doesNotContain("PostgreSQL").doesNotContain("RUNNING");
    }

    @Test
    void probesAnswerWithoutAuthenticationAndWithoutDetails() throws Exception {
        for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> response = get(probe);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).get("status").asString()).as(probe).isEqualTo("UP");
            assertThat(JSON.readTree(response.body()).has("components")).as("components in %s: %s", probe, response.body()).isFalse();
        }
    }

    @Test
    void healthShowsTheOperatorKafkaPostgresRedisAndTheLoop() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + PASSWORD).getBytes(UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode components = JSON.readTree(response.body()).get("components");
        for (String component : List.of("kafka", "db", "redis", "consumerLoop")) {
            assertThat(components.get(component).get("status").asString()).as(component).isEqualTo("UP");
        }
        assertThat(components.get("consumerLoop").get("details").get("state").asString()).isEqualTo("RUNNING");
    }

    @Test
    void prometheusShowsWhatTheConsumerDid() throws Exception {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = get("/actuator/prometheus").body();
            assertThat(sum(metrics, "consumer_events_applied_total")).isEqualTo(applied);
            assertThat(sample(metrics, "consumer_events_applied_total", "type=\"OrderPlaced\"")).isEqualTo(10);
            assertThat(sum(metrics, "consumer_events_duplicates_total")).isEqualTo(1);
            assertThat(sample(metrics, "consumer_events_dead_lettered_total",
                    "exception=\"UnreadableEventException\"")).isEqualTo(1);
            assertThat(sum(metrics, "consumer_events_parked_total")).isEqualTo(1);
            // The series the alert OrderEventOutOfPosition reads exists before anything is out of position.
            assertThat(count(metrics, "consumer_events_out_of_position_total")).isOne();
            assertThat(sum(metrics, "consumer_events_out_of_position_total")).isZero();
            assertThat(sum(metrics, "consumer_orders_blocked")).isEqualTo(1);
            for (String pipe : List.of("ValidateEventSchema", "EnrichOrderData", "SkipDuplicates", "SyncReadModel")) {
                assertThat(sample(metrics, "consumer_pipe_seconds_count", "pipe=\"" + pipe + "\"")).as(pipe).isPositive();
            }
            assertThat(sum(metrics, "consumer_batch_seconds_count")).isPositive();
            // Caught up: no partition is behind, in records or in time.
            assertThat(count(metrics, "consumer_lag_records")).isEqualTo(ConsumerFixture.PARTITIONS);
            assertThat(sum(metrics, "consumer_lag_records")).isZero();
            assertThat(sum(metrics, "consumer_lag_seconds")).isZero();
            assertThat(count(metrics, "consumer_group_lag_records")).isEqualTo(ConsumerFixture.PARTITIONS);
            assertThat(sum(metrics, "consumer_group_lag_records")).isZero();
        });
    }

    @Test
    void prometheusShowsTheKafkaClientsOwnMeters() throws Exception {
        String metrics = get("/actuator/prometheus").body();
        for (String name : List.of("kafka_consumer_fetch_manager_records_lag_max", "kafka_consumer_fetch_manager_fetch_latency_avg",
                "kafka_consumer_coordinator_commit_latency_avg", "kafka_consumer_coordinator_rebalance_total",
                "kafka_producer_request_latency_avg", "kafka_producer_record_error_total")) {
            assertThat(count(metrics, name)).as(name).isPositive();
        }
        assertThat(sum(metrics, "kafka_consumer_fetch_manager_records_consumed_total")).as("records the consumer fetched")
                .isGreaterThanOrEqualTo(applied);
        assertThat(sum(metrics, "kafka_producer_record_send_total")).as("records dead-lettered").isPositive();
        assertThat(sum(metrics, "kafka_producer_record_error_total")).isZero();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double sum(String metrics, String name) {
        return values(metrics, name, "").stream().mapToDouble(Double::doubleValue).sum();
    }

    private static double sample(String metrics, String name, String label) {
        return values(metrics, name, label).stream().mapToDouble(Double::doubleValue).sum();
    }

    private static int count(String metrics, String name) {
        return values(metrics, name, "").size();
    }

    /** The values of the samples of a metric whose labels contain {@code label}. */
    private static List<Double> values(String metrics, String name, String label) {
        Matcher matcher = Pattern.compile("^" + name + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        List<Double> values = new ArrayList<>();
        while (matcher.find()) {
            String labels = matcher.group(1) == null ? "" : matcher.group(1);
            if (labels.contains(label) && !labels.contains("topic=\"" + fixture.deadLetterTopic)) {
                values.add(Double.parseDouble(matcher.group(2)));
            }
        }
        return values;
    }
}
