package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Order events from Kafka end up in the read model as their lifecycle says, each applied once:
 * the same events delivered again (as a relay that crashed between publishing and marking sends
 * them) change nothing.
 */
class ApplyEventsIT {

    private ConsumerFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void appliesEveryLifecycleToTheReadModel() {
        OrderEvents events = new OrderEvents(fixture.topic);
        List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 50);
        Kafka.send(fixture.kafka.bootstrapServers(), records);

        fixture.startConsumer();

        awaitApplied(records.size());
        assertLifecyclesApplied(50);
    }

    @Test
    void appliesEachEventOnceWhenDeliveredAgain() {
        OrderEvents events = new OrderEvents(fixture.topic);
        List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 50);
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        fixture.startConsumer();
        awaitApplied(records.size());
        List<String> before = ReadModel.snapshot(fixture.jdbc);

        // Every record again, later in the topic: what a relay killed between the broker's
        // acknowledgement and its mark publishes again after restarting.
        List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
        records.forEach(record -> again.add(OrderEvents.again(record)));
        Kafka.send(fixture.kafka.bootstrapServers(), again);

        awaitCommitted(2L * records.size());
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.size());
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(before);
        assertLifecyclesApplied(50);
    }

    @Test
    void appliesDuplicatesWithinOneBatchOnce() {
        OrderEvents events = new OrderEvents(fixture.topic);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : events.lifecycles("o-", 20)) {
            records.add(record);
            records.add(OrderEvents.again(record)); // right behind it: the same poll
        }
        Kafka.send(fixture.kafka.bootstrapServers(), records);

        fixture.startConsumer();

        awaitCommitted(records.size());
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.size() / 2);
        assertLifecyclesApplied(20);
    }

    @Test
    void appliesEachEventOnceWhenConsumedOneRecordAtATime() {
        OrderEvents events = new OrderEvents(fixture.topic);
        List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 20);
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        records.forEach(record -> Kafka.send(fixture.kafka.bootstrapServers(), List.of(OrderEvents.again(record))));

        fixture.startConsumer(Map.of("consumer.mode", "PER_RECORD"));

        awaitCommitted(2L * records.size());
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.size());
        assertLifecyclesApplied(20);
    }

    private void awaitApplied(int events) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(events));
    }

    private void awaitCommitted(long records) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(records));
    }

    /** The read model of {@link OrderEvents#lifecycles} with {@code orders} orders, exactly. */
    private void assertLifecyclesApplied(int orders) {
        var jdbc = fixture.jdbc;
        for (int i = 0; i < orders; i++) {
            String orderId = "o-" + i;
            boolean cancelled = i % 5 == 4;
            Map<String, Object> row = jdbc.queryForMap(
                    "SELECT customer_id, status, currency, total::text, item_count, payment_id, amount_paid::text,"
                            + " paid_at IS NOT NULL AS paid, shipped_at IS NOT NULL AS shipped,"
                            + " delivered_at IS NOT NULL AS delivered, cancelled_at IS NOT NULL AS cancelled"
                            + " FROM read_model.order_summary WHERE order_id = ?", orderId);
            assertThat(row).containsEntry("customer_id", "c" + (i % 7))
                    .containsEntry("status", cancelled ? "CANCELLED" : "DELIVERED")
                    .containsEntry("currency", "EUR")
                    .containsEntry("total", "19.00")
                    .containsEntry("item_count", 3)
                    .containsEntry("payment_id", "pay-" + orderId)
                    .containsEntry("amount_paid", "19.00")
                    .containsEntry("paid", true)
                    .containsEntry("shipped", !cancelled)
                    .containsEntry("delivered", !cancelled)
                    .containsEntry("cancelled", cancelled);
        }
        assertThat(jdbc.queryForList("SELECT concat_ws('|', line_id, sku, product_name, category, product_known,"
                + " quantity, unit_price, line_total) FROM read_model.order_line WHERE order_id = 'o-0' ORDER BY line_id",
                String.class)).containsExactly(
                "1|SKU-1|Espresso cup|kitchen|t|2|4.50|9.00",
                "2|SKU-UNKNOWN|f|1|10.00|10.00");
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_line")).isEqualTo(2L * orders);
        for (int c = 0; c < 7; c++) {
            int placed = 0;
            int cancelled = 0;
            for (int i = c; i < orders; i += 7) {
                placed++;
                cancelled += i % 5 == 4 ? 1 : 0;
            }
            if (placed == 0) {
                continue;
            }
            assertThat(jdbc.queryForMap("SELECT orders_placed, orders_cancelled, total_paid::text"
                    + " FROM read_model.customer_summary WHERE customer_id = ? AND currency = 'EUR'", "c" + c))
                    .containsEntry("orders_placed", placed)
                    .containsEntry("orders_cancelled", cancelled)
                    .containsEntry("total_paid", new java.math.BigDecimal("19.00").multiply(java.math.BigDecimal.valueOf(placed)).toPlainString());
        }
    }
}
