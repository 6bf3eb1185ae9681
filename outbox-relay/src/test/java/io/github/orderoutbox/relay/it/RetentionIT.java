package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention keeps the outbox small: rows published longer ago than {@code relay.retention} are
 * deleted in batches, or at once with a retention of zero, and a row that was never published is
 * kept however old it is.
 */
class RetentionIT {

    private static final int ROWS = 500;
    private static final String HELD_ORDER = "order-held";

    /** Old rows of one order: the first parked by an operator's hand, the second held back behind it. */
    private static final String INSERT_OLD_EVENT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, payload, created_at)
            VALUES (gen_random_uuid(), ?, 'OrderUpdated', jsonb_build_object('seq', ?::int), now() - interval '1 hour')
            RETURNING id
            """;

    private static final String UNPUBLISHED = "SELECT count(*) FROM outbox WHERE published_at IS NULL";
    private static final String PUBLISHED = "SELECT count(*) FROM outbox WHERE published_at IS NOT NULL";

    private RelayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void deletesEachRowAsItIsPublishedWhenTheRetentionIsZero() {
        Long parked = fixture.jdbc.queryForObject(INSERT_OLD_EVENT, Long.class, HELD_ORDER, 1);
        fixture.jdbc.update("UPDATE outbox SET parked_at = now(), attempts = 10, last_error = 'parked by the test' WHERE id = ?",
                parked);
        OrderWriter writer = new OrderWriter(fixture.admin);
        for (int i = 0; i < ROWS; i++) {
            writer.append(OrderWriter.orderId(i % 50));
        }

        fixture.startRelay(Map.of("relay.retention", "0s"));

        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.count("SELECT count(*) FROM outbox") == 1);
        assertThat(fixture.jdbc.queryForObject("SELECT id FROM outbox", Long.class)).as("the parked row stays").isEqualTo(parked);
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ROWS, Duration.ofSeconds(30));
        CommitOrder.assertExactlyOnceInCommitOrder(events.seqByOrder(), 50, ROWS / 50);
    }

    @Test
    void deletesPublishedRowsOlderThanTheRetentionButNeverUnpublishedOnes() {
        Long parked = fixture.jdbc.queryForObject(INSERT_OLD_EVENT, Long.class, HELD_ORDER, 1);
        Long heldBehind = fixture.jdbc.queryForObject(INSERT_OLD_EVENT, Long.class, HELD_ORDER, 2);
        fixture.jdbc.update("UPDATE outbox SET parked_at = now(), attempts = 10, last_error = 'parked by the test' WHERE id = ?",
                parked);
        OrderWriter writer = new OrderWriter(fixture.admin);
        for (int i = 0; i < ROWS; i++) {
            writer.append(OrderWriter.orderId(i % 50));
        }

        fixture.startRelay(Map.of(
                "relay.retention", "1s",
                "relay.retention-interval", "300ms",
                "relay.retention-batch-size", "50"));

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(fixture.jdbc.queryForObject("SELECT count(*) FROM outbox WHERE aggregate_id <> ?", Long.class,
                        HELD_ORDER)).as("rows of the orders that were published").isZero());

        // Deleted because published, not lost: every one of them reached Kafka first.
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ROWS, Duration.ofSeconds(30));
        assertThat(events.distinctEventIds()).hasSize(ROWS);

        // Several more runs of the retention job must leave the unpublished rows alone.
        sleep(Duration.ofMillis(1_500));
        List<Map<String, Object>> kept = fixture.jdbc.queryForList(
                "SELECT id, published_at, parked_at FROM outbox ORDER BY id");
        assertThat(kept).extracting(row -> row.get("id")).containsExactly(parked, heldBehind);
        assertThat(kept).allSatisfy(row -> assertThat(row.get("published_at")).isNull());
        assertThat(kept.get(0).get("parked_at")).isNotNull();
    }

    @Test
    void keepsPublishedRowsUntilTheirRetentionHasPassed() {
        OrderWriter writer = new OrderWriter(fixture.admin);
        for (int i = 0; i < 50; i++) {
            writer.append(OrderWriter.orderId(i));
        }

        fixture.startRelay(Map.of(
                "relay.retention", "1h",
                "relay.retention-interval", "300ms",
                "relay.retention-batch-size", "50"));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(fixture.jdbc.queryForObject(UNPUBLISHED, Long.class)).isZero());
        sleep(Duration.ofMillis(1_500));
        assertThat(fixture.jdbc.queryForObject(PUBLISHED, Long.class)).as("published rows within their retention").isEqualTo(50);
    }

    @Test
    void deletesTheRowsAnEarlierRetentionKeptOnceTheRetentionIsZero() {
        OrderWriter writer = new OrderWriter(fixture.admin);
        for (int i = 0; i < 150; i++) {
            writer.append(OrderWriter.orderId(i % 50));
        }
        var kept = fixture.startRelay(Map.of("relay.retention", "1h"));
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(fixture.jdbc.queryForObject(PUBLISHED, Long.class)).isEqualTo(150));
        kept.close();
        Long parked = fixture.jdbc.queryForObject(INSERT_OLD_EVENT, Long.class, HELD_ORDER, 1);
        fixture.jdbc.update("UPDATE outbox SET parked_at = now(), attempts = 10, last_error = 'parked by the test' WHERE id = ?",
                parked);

        // One row per statement: 150 rows take two runs of the job (100 statements each).
        fixture.startRelay(Map.of("relay.retention", "0s", "relay.retention-batch-size", "1"));

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(fixture.jdbc.queryForObject(PUBLISHED, Long.class)).as("rows the 1h retention kept").isZero());
        assertThat(fixture.jdbc.queryForList("SELECT id FROM outbox", Long.class)).as("the parked row stays").containsExactly(parked);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
