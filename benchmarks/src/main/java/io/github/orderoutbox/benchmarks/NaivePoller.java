package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The relay as many teams first write it: every 100 ms, read up to 100 unpublished rows; for each,
 * one synchronous send (wait for Kafka's acknowledgement) and one UPDATE in its own transaction.
 * It keeps per-order order with one instance and loses nothing, but it cannot go faster than 100
 * rows per wake-up, 1,000 events/s, and one round trip to Kafka and one commit per row slow it
 * further. It runs in the harness's JVM; its CPU is the harness's.
 */
final class NaivePoller {

    static final String CLAIM = """
            SELECT id, event_id::text, aggregate_id, payload::text FROM outbox
             WHERE published_at IS NULL ORDER BY id LIMIT 100
            """;
    static final String MARK = "UPDATE outbox SET published_at = now() WHERE id = ?";

    private NaivePoller() {
    }

    /** Drains the outbox as it stands (the backlog already committed) and returns how long it took. */
    static Duration drain(BenchmarkDatabase db) throws InterruptedException, ExecutionException {
        // One connection kept open, as a pool would keep it: the poller is naive, not its data source.
        SingleConnectionDataSource connection = new SingleConnectionDataSource(db.jdbcUrl(), db.postgres.adminUser(),
                db.postgres.adminPassword(), true);
        JdbcTemplate jdbc = new JdbcTemplate(connection);
        try (KafkaProducer<byte[], byte[]> producer = Producers.create(db.kafka.bootstrapServers())) {
            long start = System.nanoTime();
            long lastMarked = start;
            while (true) {
                List<BarePoller.Row> rows = jdbc.query(CLAIM, (rs, n) -> new BarePoller.Row(rs.getLong(1), rs.getString(2),
                        rs.getString(3), rs.getString(4)));
                if (rows.isEmpty()) {
                    return Duration.ofNanos(lastMarked - start); // not the last, empty wake-up
                }
                for (BarePoller.Row row : rows) {
                    producer.send(Producers.record(db.topic, row.id(), row.eventId(), row.orderId(), row.payload())).get();
                    jdbc.update(MARK, row.id());
                }
                lastMarked = System.nanoTime();
                Thread.sleep(100);
            }
        } finally {
            connection.destroy();
        }
    }
}
