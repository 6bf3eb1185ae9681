package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.pipeline.MicrometerPipeTimer;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery loop prepares a poll's batch while the batch before it is still being written.
 * Each test holds the first batch's transaction on a row lock the test takes, sends the next
 * events once that transaction waits, and lets it go only after the second batch has been
 * through the pipes: so the second batch is prepared on changes the database does not show yet.
 */
class WriteBehindIT {

    private ConsumerFixture fixture;
    private OrderEvents events;
    private HeldRow held;

    @BeforeEach
    void setUp() throws SQLException {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        events = new OrderEvents(fixture.topic);
        held = new HeldRow(fixture);
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            held.close();
        } finally {
            fixture.close();
        }
    }

    @Test
    void theNextBatchSeesTheBatchStillBeingWritten() throws SQLException {
        MeterRegistry registry = fixture.startConsumer().getBean(MeterRegistry.class);
        ProducerRecord<byte[], byte[]> placed = events.record(OrderEvents.placed("o-1", HeldRow.CUSTOMER));
        Kafka.send(fixture.kafka.bootstrapServers(), List.of(placed));
        held.awaitAWriteWaiting();

        // An order paid whose placing is not committed yet, that placing again (a redelivery), and a new order.
        Kafka.send(fixture.kafka.bootstrapServers(), List.of(
                events.record(OrderEvents.paid("o-1")), OrderEvents.again(placed),
                events.record(OrderEvents.placed("o-2", "c-other"))));
        awaitPrepared(registry, 3); // o-1 placed, then o-1 paid and o-2 placed; the redelivery stops before
        assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group))
                .as("no offset is committed while the first batch's transaction waits").isZero();

        held.release();
        assertBothOrdersAppliedOnce(4);
        assertThat(registry.get("consumer.events.duplicates").counter().count()).isEqualTo(1);
        assertThat(registry.get("consumer.batch.retries").counter().count())
                .as("the redelivery is skipped as a duplicate, not found by a failed insert").isZero();
    }

    @Test
    void whenTheBatchInFlightFailsTheBatchPreparedOnItIsReadAgainWithIt() throws SQLException {
        MeterRegistry registry = fixture.startConsumer().getBean(MeterRegistry.class);
        Kafka.send(fixture.kafka.bootstrapServers(), List.of(events.record(OrderEvents.placed("o-1", HeldRow.CUSTOMER))));
        held.awaitAWriteWaiting();
        Kafka.send(fixture.kafka.bootstrapServers(), List.of(
                events.record(OrderEvents.paid("o-1")), events.record(OrderEvents.placed("o-2", "c-other"))));
        awaitPrepared(registry, 3);

        // The first batch's transaction dies: the second was prepared on its changes and must not be written alone.
        Integer terminated = fixture.jdbc.queryForObject("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'", Integer.class);
        assertThat(terminated).isEqualTo(1);
        held.release();

        assertBothOrdersAppliedOnce(3);
        assertThat(fixture.count("SELECT orders_placed FROM read_model.customer_summary WHERE customer_id = ?", HeldRow.CUSTOMER))
                .as("the placing of o-1, lost with the first transaction, is applied when read again").isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_line WHERE order_id = 'o-1'")).isEqualTo(2);
    }

    /**
     * Once {@code records} offsets are committed: o-1 placed and paid, o-2 placed, each of the three
     * events recorded once, nothing blocked or dead-lettered.
     */
    private void assertBothOrdersAppliedOnce(long records) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(records));
        assertThat(fixture.jdbc.queryForList("SELECT order_id || ' ' || status FROM read_model.order_summary ORDER BY order_id",
                String.class)).containsExactly("o-1 PAID", "o-2 PLACED");
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(3);
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        assertThat(Kafka.topicExists(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)
                ? Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic) : 0).isZero();
    }


    /** Until {@code events} events have been through the last pipe, which records the read-model changes. */
    private static void awaitPrepared(MeterRegistry registry, long events) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Timer timer = registry.find(MicrometerPipeTimer.METRIC).tag("pipe", "SyncReadModel").timer();
            return timer != null && timer.count() >= events;
        });
    }
}
