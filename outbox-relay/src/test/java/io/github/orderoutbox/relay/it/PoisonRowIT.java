package io.github.orderoutbox.relay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A row that cannot be published gets its error, attempts and next attempt recorded, and after the
 * last attempt it and the later rows of its order are parked and counted, while other orders flow.
 * An operator can release the order once the cause is fixed, and it is published in order.
 */
class PoisonRowIT {

    private static final String POISONED = "order-poisoned";

    private RelayFixture fixture;
    private ConfigurableApplicationContext relay;

    @BeforeEach
    void setUp() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        relay = fixture.startRelay(Map.of(
                "relay.max-attempts", "3",
                "relay.retry-backoff-min", "200ms",
                "relay.retry-backoff-max", "400ms",
                "relay.producer.max.request.size", "16384",
                "relay.admin.password", "operator-secret"));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void poisonRowIsParkedWithItsOrderWhileOtherOrdersFlowThenReleasedInOrder() throws Exception {
        OrderWriter writer = new OrderWriter(fixture.admin);
        writer.append(POISONED);                                   // seq 1: fine
        appendOversized(POISONED);                                 // seq 2: larger than the producer accepts
        writer.append(POISONED);                                   // seq 3: must wait behind seq 2
        writer.writeConcurrently(50, 5, 2, 0, null);               // other orders

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fixture.jdbc.queryForList(
                "SELECT attempts FROM outbox WHERE parked_at IS NOT NULL AND last_error IS NOT NULL", Integer.class))
                .containsExactly(3));
        assertThat(fixture.jdbc.queryForObject(
                "SELECT last_error FROM outbox WHERE aggregate_id = ? AND payload->>'seq' = '2'", String.class, POISONED))
                .contains("exceeds the");
        assertThat(fixture.jdbc.queryForList(
                "SELECT payload->>'seq' FROM outbox WHERE aggregate_id = ? AND parked_at IS NOT NULL ORDER BY id", String.class, POISONED))
                .containsExactly("2", "3");

        // A later event of the parked order is held back too, while other orders keep flowing.
        writer.append(POISONED);                                   // seq 4
        writer.writeConcurrently(50, 1, 2, 0, null);              // others: seq 6
        await().atMost(Duration.ofSeconds(20)).until(() -> unpublishedOtherThanPoisoned() == 0);
        Thread.sleep(1_000);

        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, 1 + 50 * 6, Duration.ofSeconds(30));
        var seqs = events.seqByOrder();
        assertThat(seqs.get(POISONED)).containsExactly(1);
        assertThat(seqs).hasSize(51);
        seqs.forEach((order, list) -> {
            if (!order.equals(POISONED)) {
                assertThat(list).containsExactly(1, 2, 3, 4, 5, 6);
            }
        });
        MeterRegistry meters = relay.getBean(MeterRegistry.class);
        assertThat(meters.get("relay.parked").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("relay.failures").tag("kind", "row").counter().count()).isEqualTo(3.0);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.get("outbox.parked").gauge().value() == 2.0);

        // The operator fixes the cause (here: shrinks the payload as the database owner) and releases the order.
        fixture.jdbc.update("UPDATE outbox SET payload = jsonb_build_object('seq', 2) WHERE aggregate_id = ? AND payload->>'seq' = '2'",
                POISONED);
        HttpResponse<String> refused = post(POISONED, "operator:wrong");
        assertThat(refused.statusCode()).isEqualTo(401);
        HttpResponse<String> released = post(POISONED, "admin:operator-secret");
        assertThat(released.statusCode()).isEqualTo(200);
        // seq 2 and 3 were parked; seq 4 arrived later and was only held behind them.
        assertThat(released.body()).contains("\"rowsReleased\":2");
        assertThat(released.body()).contains("\"rowsPending\":3").contains("\"rowsParked\":0").contains("\"outcome\":\"released\"");

        await().atMost(Duration.ofSeconds(20)).until(() -> unpublished(POISONED) == 0);
        var after = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, 4 + 50 * 6, Duration.ofSeconds(30));
        assertThat(after.seqByOrder().get(POISONED)).containsExactly(1, 2, 3, 4);
    }

    private void appendOversized(String orderId) {
        fixture.jdbc.update("UPDATE shop_order SET version = version + 1 WHERE id = ?", orderId);
        fixture.jdbc.update("""
                INSERT INTO outbox (event_id, aggregate_id, event_type, payload)
                VALUES (gen_random_uuid(), ?, 'OrderUpdated', jsonb_build_object('seq', 2, 'blob', repeat('x', 40000)))
                """, orderId);
    }

    private long unpublished(String orderId) {
        return fixture.jdbc.queryForObject("SELECT count(*) FROM outbox WHERE published_at IS NULL AND aggregate_id = ?",
                Long.class, orderId);
    }

    private long unpublishedOtherThanPoisoned() {
        return fixture.jdbc.queryForObject("SELECT count(*) FROM outbox WHERE published_at IS NULL AND aggregate_id <> ?",
                Long.class, POISONED);
    }

    private HttpResponse<String> post(String orderId, String credentials) throws Exception {
        String port = relay.getEnvironment().getProperty("local.server.port");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/outbox"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"orderId\":\"" + orderId + "\"}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

}
