package io.github.orderoutbox.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Postgres's physical floors on this machine, for the events the relay publishes: how fast writers
 * can commit the writer's transaction (the rate no relay can be asked to beat for long), and how
 * fast COPY loads outbox rows (the fastest way rows get into the table at all).
 */
final class PostgresFloors {

    private static final int WRITERS = 4;
    private static final int ORDERS = 2_000;

    private PostgresFloors() {
    }

    /**
     * {@code events} writer transactions, as {@link SteadyLatency} commits them (lock the order, bump
     * its version, insert its event), by {@value #WRITERS} writers as fast as they go, or until
     * {@code limit} has passed. Returns the transactions committed and the time they took.
     */
    static DrainResult commitRate(BenchmarkDatabase db, int events, Duration limit) throws Exception {
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            done.add(writers.submit(PacedWriters.onOwnConnection(db, (jdbc, transactions) -> {
                for (long i = next.getAndIncrement(); i < events && System.nanoTime() < deadline; i = next.getAndIncrement()) {
                    SteadyLatency.write(jdbc, transactions, "order-" + (i % ORDERS), null);
                }
            })));
        }
        for (Future<?> future : done) {
            future.get();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        writers.shutdown();
        long committed = db.jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);
        return new DrainResult("Postgres commit floor", committed, elapsed, null);
    }

    /** {@code rows} outbox rows of the backlog's shape through one COPY, sent in chunks, committed once. */
    static DrainResult copyRate(BenchmarkDatabase db, int rows, int orders) throws Exception {
        try (Connection connection = db.dataSource.getConnection()) {
            CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY outbox (event_id, aggregate_id, event_type, event_version, payload, headers) FROM STDIN");
            long start = System.nanoTime();
            StringBuilder chunk = new StringBuilder(1 << 20);
            for (int g = 1; g <= rows; g++) {
                chunk.append(UUID.randomUUID()).append('\t').append("order-").append(g % orders).append("\tOrderPlaced\t1\t")
                        .append("{\"order_id\": \"order-").append(g % orders).append("\", \"customer_id\": \"customer-").append(g % 977)
                        .append("\", \"currency\": \"EUR\", \"placed_at\": \"2026-11-28T08:15:30.123Z\", \"total\": \"149.90\", ")
                        .append("\"items\": [{\"sku\": \"SKU-").append(g % 5000)
                        .append("\", \"quantity\": 2, \"unit_price\": \"49.95\", \"name\": \"Espresso cups, set of two\"}, ")
                        .append("{\"sku\": \"SKU-").append(g % 3000)
                        .append("\", \"quantity\": 1, \"unit_price\": \"50.00\", \"name\": \"Milk frother\"}]}\t")
                        .append("{\"traceparent\": \"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"}\n");
                if (chunk.length() > (1 << 20) - 1024 || g == rows) {
                    byte[] bytes = chunk.toString().getBytes(UTF_8);
                    copy.writeToCopy(bytes, 0, bytes.length);
                    chunk.setLength(0);
                }
            }
            long copied = copy.endCopy(); // autocommit: the COPY is its own transaction
            return new DrainResult("Postgres COPY floor", copied, Duration.ofNanos(System.nanoTime() - start), null);
        }
    }
}
