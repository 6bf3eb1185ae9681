package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The baseline a team writes first, minus its worst mistakes: claim a batch in id order, send it
 * asynchronously, flush, mark by primary key. No leases, fencing, per-order failure handling,
 * backoff or metrics: what the relay's guarantees are measured against.
 */
final class BarePoller {

    static final String CLAIM = """
            SELECT id, event_id::text, aggregate_id, payload::text FROM outbox
             WHERE published_at IS NULL ORDER BY id LIMIT ?
            """;
    static final String MARK = "UPDATE outbox SET published_at = now() WHERE id = ANY (?)";

    private BarePoller() {
    }

    record Row(long id, String eventId, String orderId, String payload) {
    }

    static DrainResult drain(BenchmarkDatabase db, int batchSize) {
        // What a careful team adds: an index its claim can walk, and fresh statistics.
        db.jdbc.execute("CREATE INDEX bare_unpublished ON outbox (id) WHERE published_at IS NULL");
        db.jdbc.execute("ANALYZE outbox");
        long drained = 0;
        try (KafkaProducer<byte[], byte[]> producer = Producers.create(db.kafka.bootstrapServers())) {
            long start = System.nanoTime();
            while (true) {
                List<Row> rows = db.jdbc.query(CLAIM, (rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4)), batchSize);
                if (rows.isEmpty()) {
                    break;
                }
                List<Long> ids = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    producer.send(Producers.record(db.topic, row.id(), row.eventId(), row.orderId(), row.payload()));
                    ids.add(row.id());
                }
                producer.flush();
                long[] marked = ids.stream().mapToLong(Long::longValue).toArray();
                db.jdbc.update(MARK, ps -> ps.setObject(1, marked));
                drained += rows.size();
            }
            return new DrainResult("bare poller", drained, Duration.ofNanos(System.nanoTime() - start), null);
        }
    }
}
