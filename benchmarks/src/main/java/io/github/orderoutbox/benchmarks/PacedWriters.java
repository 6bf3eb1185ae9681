package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steady-load writers: {@value #WRITERS} threads commit events at a fixed rate, event {@code i}
 * due {@code i / rate} seconds after the start. Each takes the next event's number from one
 * counter, so a writer held up by a slow commit does not hold the others back: they take the next
 * numbers when those are due. Each keeps one connection, as a pooled orders service would.
 */
final class PacedWriters {

    static final int WRITERS = 4;

    /** One writer's transaction for event {@code index} (from 0), on that writer's own connection. */
    @FunctionalInterface
    interface Writer {
        void write(JdbcTemplate jdbc, TransactionTemplate transactions, long index);
    }

    /** A writer's whole work, on its own connection. */
    @FunctionalInterface
    interface Work {
        void run(JdbcTemplate jdbc, TransactionTemplate transactions);
    }

    private PacedWriters() {
    }

    /**
     * Commits {@code (warmup + measured) * rate} events and returns once all are committed.
     *
     * @param atWarmupEnd called when the warm-up ends, on a thread of its own, while the writers go on
     * @param writers     called once on each writer thread, for that thread's {@link Writer}
     * @return the rate the writers achieved, events per second
     */
    static double run(BenchmarkDatabase db, int rate, Duration warmup, Duration measured, Runnable atWarmupEnd,
                      Supplier<Writer> writers) throws Exception {
        long periodNanos = 1_000_000_000L / rate;
        long total = (warmup.toSeconds() + measured.toSeconds()) * rate;
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        Thread warmupEnd = new Thread(() -> {
            LockSupport.parkNanos(start + warmup.toNanos() - System.nanoTime());
            atWarmupEnd.run();
        }, "writers-warm-up-end");
        warmupEnd.start();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            done.add(pool.submit(onOwnConnection(db, (jdbc, transactions) -> {
                Writer writer = writers.get();
                for (long i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    long wait = start + i * periodNanos - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    writer.write(jdbc, transactions, i);
                }
            })));
        }
        try {
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
        warmupEnd.join();
        return total / ((System.nanoTime() - start) / 1e9);
    }

    /** {@code work} on a connection of its own, kept open throughout, as a pooled orders service keeps one. */
    static Callable<Void> onOwnConnection(BenchmarkDatabase db, Work work) {
        return () -> {
            SingleConnectionDataSource connection = new SingleConnectionDataSource(db.jdbcUrl(),
                    db.postgres.adminUser(), db.postgres.adminPassword(), true);
            try {
                work.run(new JdbcTemplate(connection), new TransactionTemplate(new DataSourceTransactionManager(connection)));
            } finally {
                connection.destroy();
            }
            return null;
        };
    }

    /**
     * The writer contract's first step, in the caller's transaction: lock the order (creating its
     * row the first time) and bump its version, so that the events of one order get outbox ids in
     * the order their transactions commit.
     */
    static void lockOrder(JdbcTemplate jdbc, String orderId) {
        jdbc.update("INSERT INTO shop_order (id) VALUES (?) ON CONFLICT (id) DO NOTHING", orderId);
        jdbc.update("UPDATE shop_order SET version = version + 1 WHERE id = ?", orderId);
    }
}
