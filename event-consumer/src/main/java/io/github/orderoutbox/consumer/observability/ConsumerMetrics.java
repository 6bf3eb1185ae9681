package io.github.orderoutbox.consumer.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The consumer's meters. Rates (events applied per second) are the rates of the counters; time
 * per pipe is {@code consumer.pipe}, recorded by the pipeline itself.
 *
 * <ul>
 *   <li>{@code consumer.events.applied{type}}: events whose effects were committed;</li>
 *   <li>{@code consumer.events.duplicates}: skipped as applied before (same id, same position);</li>
 *   <li>{@code consumer.events.out.of.position}: events older than their order and never applied,
 *       dead-lettered (a fault of the order's stream: a writer that skipped the order lock, a relay
 *       that republished an event after a later one);</li>
 *   <li>{@code consumer.events.id.reused}: events under an id applied before at another outbox
 *       position, dead-lettered (a fault of the writer, which reused the id);</li>
 *   <li>{@code consumer.events.dead.lettered{pipe,exception}}, {@code consumer.events.parked},
 *       {@code consumer.orders.blocked}: dead letters, records held back, orders waiting for a
 *       redrive;</li>
 *   <li>{@code consumer.batch} (timer), {@code consumer.batch.size}, {@code consumer.batch.retries};</li>
 *   <li>{@code consumer.lag.records{partition}} and {@code consumer.lag.seconds{partition}}: how
 *       far behind the end of each partition this consumer is, in records and in time (now minus
 *       the timestamp of the last record applied; 0 when caught up);</li>
 *   <li>{@code consumer.redis.failures}: Redis calls that failed (deduplication fell back to Postgres).</li>
 * </ul>
 */
public final class ConsumerMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> appliedByType = new ConcurrentHashMap<>();
    private final Counter duplicates;
    private final Counter outOfPosition;
    private final Counter idReused;
    private final Counter parked;
    private final Counter redisFailures;
    private final Counter batchRetries;
    private final Timer batchTimer;
    private final DistributionSummary batchSize;
    private final AtomicLong blockedOrders = new AtomicLong();
    private final Map<String, PartitionLag> lags = new ConcurrentHashMap<>();

    public ConsumerMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        duplicates = Counter.builder("consumer.events.duplicates")
                .description("Events skipped because they were applied before").register(registry);
        outOfPosition = Counter.builder("consumer.events.out.of.position")
                .description("Events older than their order's newest applied event and never applied:"
                        + " dead-lettered, their order blocked").register(registry);
        idReused = Counter.builder("consumer.events.id.reused")
                .description("Events under an id applied before at another outbox position:"
                        + " dead-lettered, their order blocked").register(registry);
        parked = Counter.builder("consumer.events.parked")
                .description("Events of blocked orders held back until the order is redriven").register(registry);
        redisFailures = Counter.builder("consumer.redis.failures")
                .description("Redis calls that failed; deduplication used Postgres alone").register(registry);
        batchRetries = Counter.builder("consumer.batch.retries")
                .description("Batches tried again after an outage (Postgres, Redis or Kafka unavailable)").register(registry);
        batchTimer = Timer.builder("consumer.batch")
                .description("Time to apply one batch, from the first pipe to the commit of its transaction")
                .register(registry);
        batchSize = DistributionSummary.builder("consumer.batch.size")
                .description("Records per batch").register(registry);
        Gauge.builder("consumer.orders.blocked", blockedOrders, AtomicLong::get)
                .description("Orders with a dead-lettered event, whose later events are parked until redriven")
                .register(registry);
    }

    public void applied(String eventType) {
        appliedByType.computeIfAbsent(eventType, type -> Counter.builder("consumer.events.applied")
                .description("Events whose effects on the read model were committed")
                .tag("type", type).register(registry)).increment();
    }

    public void duplicates(int count) {
        duplicates.increment(count);
    }

    /** An event dead-lettered because it was out of position in its order's stream. */
    public void outOfPosition() {
        outOfPosition.increment();
    }

    /** An event dead-lettered because its id was applied before at another outbox position. */
    public void eventIdReused() {
        idReused.increment();
    }

    public void parked(int count) {
        parked.increment(count);
    }

    public void deadLettered(String pipe, Throwable failure) {
        Counter.builder("consumer.events.dead.lettered")
                .description("Events sent to the dead-letter topic")
                .tag("pipe", pipe).tag("exception", failure.getClass().getSimpleName())
                .register(registry).increment();
    }

    public void redisFailure() {
        redisFailures.increment();
    }

    public void batchRetried() {
        batchRetries.increment();
    }

    public void batch(int records, long nanos) {
        batchSize.record(records);
        batchTimer.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void blockedOrders(long count) {
        blockedOrders.set(count);
    }

    /** Sets the lag of one partition: records behind its end, and seconds behind in time. */
    public void lag(String topic, int partition, long records, double seconds) {
        PartitionLag lag = lags.computeIfAbsent(topic + "-" + partition, key -> {
            PartitionLag created = new PartitionLag();
            Gauge.builder("consumer.lag.records", created, l -> l.records)
                    .description("Records between this consumer's position and the end of the partition")
                    .tag("topic", topic).tag("partition", Integer.toString(partition)).register(registry);
            Gauge.builder("consumer.lag.seconds", created, l -> l.seconds)
                    .description("Now minus the timestamp of the last record applied from the partition; 0 when caught up")
                    .tag("topic", topic).tag("partition", Integer.toString(partition)).register(registry);
            return created;
        });
        lag.records = records;
        lag.seconds = seconds;
    }

    /** Forgets the lag of a partition this consumer no longer reads. */
    public void forgetLag(String topic, int partition) {
        PartitionLag lag = lags.remove(topic + "-" + partition);
        if (lag != null) {
            registry.find("consumer.lag.records").tag("partition", Integer.toString(partition)).tag("topic", topic)
                    .gauges().forEach(registry::remove);
            registry.find("consumer.lag.seconds").tag("partition", Integer.toString(partition)).tag("topic", topic)
                    .gauges().forEach(registry::remove);
        }
    }

    private static final class PartitionLag {
        volatile double records;
        volatile double seconds;
    }
}
