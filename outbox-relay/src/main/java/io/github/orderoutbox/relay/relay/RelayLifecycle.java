package io.github.orderoutbox.relay.relay;

import io.github.orderoutbox.relay.config.RelayProperties;
import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.observability.OutboxStatsRefresher;
import io.github.orderoutbox.relay.publish.KafkaTopics;
import io.github.orderoutbox.relay.publish.RelayProducer;
import io.github.orderoutbox.relay.publish.TopicRouter;
import io.github.orderoutbox.relay.retention.RetentionJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts and stops the relay's threads: the lease heartbeat, the publishing workers, the stats
 * refresher and the retention job. On SIGTERM (context close) the workers finish their batch in
 * flight, then every lease is released so other instances take over at once.
 */
public class RelayLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelayLifecycle.class);

    private final RelayProperties properties;
    private final LeaseKeeper leases;
    private final KafkaTopics topics;
    private final TopicRouter router;
    private final IntFunction<RelayWorker> workerFactory;
    private final OutboxStatsRefresher stats;
    private final RetentionJob retention;
    private final RelayProducer producer;

    private final List<RelayWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService heartbeat;
    private ScheduledExecutorService housekeeping;
    private volatile boolean running;

    public RelayLifecycle(RelayProperties properties, LeaseKeeper leases, KafkaTopics topics, TopicRouter router,
                          IntFunction<RelayWorker> workerFactory, OutboxStatsRefresher stats, RetentionJob retention,
                          RelayProducer producer) {
        this.properties = properties;
        this.leases = leases;
        this.topics = topics;
        this.router = router;
        this.workerFactory = workerFactory;
        this.stats = stats;
        this.retention = retention;
        this.producer = producer;
    }

    @Override
    public boolean isAutoStartup() {
        return !properties.migrateOnly();
    }

    @Override
    public synchronized void start() {
        log.info("relay.starting instance={} workers={} batch_size={} topics={}", leases.owner(), properties.workers(),
                properties.batchSize(), properties.topics());
        leases.heartbeat();
        topics.ensureAll(router.allTopics());

        heartbeat = Executors.newSingleThreadScheduledExecutor(named("relay-heartbeat"));
        long beat = properties.heartbeatInterval().toMillis();
        heartbeat.scheduleWithFixedDelay(leases::heartbeat, beat, beat, TimeUnit.MILLISECONDS);

        housekeeping = Executors.newSingleThreadScheduledExecutor(named("relay-housekeeping"));
        housekeeping.scheduleWithFixedDelay(stats, 0, properties.statsInterval().toMillis(), TimeUnit.MILLISECONDS);
        if (properties.retention().isZero()) { // rows are deleted as they are published
            housekeeping.execute(this::deleteKeptRows);
        } else {
            long every = properties.retentionInterval().toMillis();
            housekeeping.scheduleWithFixedDelay(retention, every, every, TimeUnit.MILLISECONDS);
        }

        for (int i = 0; i < properties.workers(); i++) {
            RelayWorker worker = workerFactory.apply(i);
            Thread thread = new Thread(worker, "relay-worker-" + i);
            workers.add(worker);
            threads.add(thread);
            thread.start();
        }
        running = true;
    }

    /**
     * With zero retention, once after start: the published rows an earlier retention kept, deleted
     * a run at a time, so the stats refresh on the same thread between runs however many there are.
     */
    private void deleteKeptRows() {
        if (retention.deleteRun() && !housekeeping.isShutdown()) {
            try {
                housekeeping.execute(this::deleteKeptRows);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shut down meanwhile: the next start goes on
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        Duration timeout = properties.shutdownTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        workers.forEach(w -> w.stop(deadline));
        threads.forEach(java.util.concurrent.locks.LockSupport::unpark); // wake idle workers; never interrupt a batch
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000) + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        heartbeat.shutdownNow();
        housekeeping.shutdownNow();
        producer.close(Duration.ofSeconds(5));
        leases.releaseAll();
        log.info("relay.stopped instance={}", leases.owner());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
