package io.github.orderoutbox.relay.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An orders service as the contract wants it: each event is written in the transaction that changes
 * its order, after locking the order row. The payload carries {@code seq}, the order's version after
 * the change, so the commit order of one order's events is {@code seq = 1, 2, 3, ...}.
 */
final class OrderWriter {

    static final String CREATE_ORDERS = """
            CREATE TABLE IF NOT EXISTS shop_order (id text PRIMARY KEY, version int NOT NULL DEFAULT 0)
            """;
    static final String ENSURE_ORDER = "INSERT INTO shop_order (id) VALUES (?) ON CONFLICT (id) DO NOTHING";
    static final String LOCK_AND_BUMP = "UPDATE shop_order SET version = version + 1 WHERE id = ? RETURNING version";
    static final String APPEND_EVENT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload)
            VALUES (gen_random_uuid(), ?, 'OrderUpdated', 1, jsonb_build_object('seq', ?::int, 'pad', ?::text))
            """;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final String padding;

    OrderWriter(DataSource dataSource) {
        this(dataSource, 0);
    }

    /** @param paddingChars extra payload characters, to make events of a realistic size */
    OrderWriter(DataSource dataSource, int paddingChars) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.padding = "p".repeat(paddingChars);
    }

    static void createOrdersTable(JdbcTemplate jdbc) {
        jdbc.execute(CREATE_ORDERS);
    }

    /** Appends one event to an order in its own transaction (row lock first); returns the event's seq. */
    int append(String orderId) {
        return transactions.execute(status -> {
            jdbc.update(ENSURE_ORDER, orderId);
            Integer seq = jdbc.queryForObject(LOCK_AND_BUMP, Integer.class, orderId);
            jdbc.update(APPEND_EVENT, orderId, seq, padding);
            return seq;
        });
    }

    static String orderId(int n) {
        return "order-" + n;
    }

    /** {@link #writeConcurrently} on another thread; the future completes with the number of events written. */
    CompletableFuture<Long> writeInBackground(int orders, int eventsPerOrder, int threads, long perEvent) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return writeConcurrently(orders, eventsPerOrder, threads, perEvent, null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Writes {@code eventsPerOrder} events to each of {@code orders} orders from {@code threads}
     * concurrent writers, the events of all orders interleaved at random, so that transactions of one
     * order race each other and the lock decides their order.
     *
     * @param pace     stops writing early when it turns false; may be null
     * @param perEvent pause after each event in microseconds per thread (0: as fast as possible)
     * @return events written
     */
    long writeConcurrently(int orders, int eventsPerOrder, int threads, long perEvent, AtomicBoolean pace) throws Exception {
        List<Integer> tasks = new ArrayList<>(orders * eventsPerOrder);
        for (int e = 0; e < eventsPerOrder; e++) {
            for (int o = 0; o < orders; o++) {
                tasks.add(o);
            }
        }
        Collections.shuffle(tasks, new Random(42));
        AtomicLong next = new AtomicLong();
        AtomicLong written = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < tasks.size(); i = next.getAndIncrement()) {
                        if (pace != null && !pace.get()) {
                            return null;
                        }
                        append(orderId(tasks.get((int) i)));
                        written.incrementAndGet();
                        if (perEvent > 0) {
                            Thread.sleep(perEvent / 1000, (int) (perEvent % 1000) * 1000);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return written.get();
    }
}
