package io.github.orderoutbox.relay.observability;

import io.github.orderoutbox.relay.outbox.OutboxStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The relay's meters. Prometheus names: {@code outbox_backlog_rows}, {@code outbox_oldest_unpublished_age_seconds},
 * {@code outbox_parked_rows}, {@code outbox_retrying_rows}, {@code relay_events_published_total} (rate = events/s),
 * {@code relay_commit_to_ack_seconds} (histogram), {@code relay_batch_size_rows}, {@code relay_failures_total{kind}},
 * {@code relay_parked_total}, {@code relay_fenced_total}, {@code relay_leases_held},
 * {@code relay_cycle_phase_seconds{phase=claim|send|ack|mark}}.
 */
public class RelayMetrics {

    private final Counter published;
    private final Timer commitToAck;
    private final DistributionSummary batchSize;
    private final Counter rowFailures;
    private final Counter transientFailures;
    private final Counter parked;
    private final Counter fenced;
    private final Counter orderRisk;
    private final Timer claimPhase;
    private final Timer sendPhase;
    private final Timer ackPhase;
    private final Timer markPhase;
    private volatile OutboxStats stats = OutboxStats.EMPTY;

    public RelayMetrics(MeterRegistry registry, IntSupplier leasesHeld) {
        published = Counter.builder("relay.events.published").description("Events acknowledged by Kafka and marked published")
                .register(registry);
        commitToAck = Timer.builder("relay.commit.to.ack").description("From the outbox row's created_at to Kafka's acknowledgement")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        batchSize = DistributionSummary.builder("relay.batch.size").description("Rows claimed per cycle").baseUnit("rows")
                .publishPercentileHistogram().maximumExpectedValue(50_000.0).register(registry);
        rowFailures = Counter.builder("relay.failures").tag("kind", "row")
                .description("Publish attempts that failed for a row (recorded on the row, retried with backoff)").register(registry);
        transientFailures = Counter.builder("relay.failures").tag("kind", "kafka_unavailable")
                .description("Cycles that backed off because Kafka was unreachable").register(registry);
        parked = Counter.builder("relay.parked").description("Rows parked after their last attempt (with the rest of their order)")
                .register(registry);
        fenced = Counter.builder("relay.fenced").description("Rows this instance could not mark because its lease had been taken over")
                .register(registry);
        orderRisk = Counter.builder("relay.order.violations")
                .description("Events acknowledged although an earlier event of their order failed in the same batch; they are republished after it")
                .register(registry);
        claimPhase = phase(registry, "claim");
        sendPhase = phase(registry, "send");
        ackPhase = phase(registry, "ack");
        markPhase = phase(registry, "mark");
        Gauge.builder("outbox.backlog", () -> stats.backlog()).baseUnit("rows")
                .description("Rows waiting to be published").register(registry);
        Gauge.builder("outbox.oldest.unpublished.age", () -> stats.oldestAge().toNanos() / 1e9).baseUnit("seconds")
                .description("Age of the oldest row waiting to be published").register(registry);
        Gauge.builder("outbox.parked", () -> stats.parkedRows()).baseUnit("rows")
                .description("Rows parked for an operator").register(registry);
        Gauge.builder("outbox.retrying", () -> stats.retryingRows()).baseUnit("rows")
                .description("Rows waiting for a retry after a failure").register(registry);
        Gauge.builder("relay.leases.held", leasesHeld::getAsInt).description("Buckets this instance holds").register(registry);
    }

    private static Timer phase(MeterRegistry registry, String phase) {
        return Timer.builder("relay.cycle.phase").tag("phase", phase)
                .description("Time per cycle spent claiming rows, handing them to the producer, waiting for acknowledgements, marking them")
                .register(registry);
    }

    /** Records the phases of one cycle from the {@link System#nanoTime()} at each boundary. */
    public void cycle(long started, long claimed, long sent, long acknowledged, long marked) {
        claimPhase.record(claimed - started, TimeUnit.NANOSECONDS);
        sendPhase.record(sent - claimed, TimeUnit.NANOSECONDS);
        ackPhase.record(acknowledged - sent, TimeUnit.NANOSECONDS);
        markPhase.record(marked - acknowledged, TimeUnit.NANOSECONDS);
    }

    public void published(int count) {
        published.increment(count);
    }

    public void commitToAck(long millis) {
        commitToAck.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    public void batch(int rows) {
        batchSize.record(rows);
    }

    public void rowFailed() {
        rowFailures.increment();
    }

    public void kafkaUnavailable() {
        transientFailures.increment();
    }

    public void parked() {
        parked.increment();
    }

    public void fenced(int rows) {
        fenced.increment(rows);
    }

    public void orderViolation() {
        orderRisk.increment();
    }

    public void stats(OutboxStats stats) {
        this.stats = stats;
    }

    public OutboxStats stats() {
        return stats;
    }
}
