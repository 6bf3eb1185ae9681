package io.github.orderoutbox.consumer.kafka;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.batch.BatchResult;
import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.model.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery loop: polls the topic as a member of the consumer group, applies each poll's
 * records as one batch (or one record at a time, the baseline mode), and commits the offsets only
 * once the batch's effects are durable. Runs on its own thread; the Kafka consumer is used by that
 * thread alone.
 *
 * <p>When a batch fails for a reason that passes (Postgres, Redis or the dead-letter topic
 * unavailable), nothing of it has been committed: the loop seeks each partition back to the
 * batch's first record, waits with exponential backoff and jitter, and polls the same records
 * again, for as long as the outage lasts. The waits are shorter than {@code max.poll.interval.ms},
 * so the consumer keeps its partitions meanwhile.
 *
 * <p>{@link #stop} lets the batch in flight finish, commits its offsets and leaves the group, so
 * its partitions move to the other members at once rather than after a session timeout.
 */
public final class ConsumerLoop {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration BLOCKED_COUNT_INTERVAL = Duration.ofSeconds(10);

    /** How a poll's records are applied. */
    public enum Mode {
        /** All records of a poll in one batch: one Redis round trip and one transaction. The default. */
        PER_POLL,
        /** Each record alone: one Redis call and one transaction per event. The baseline to compare with. */
        PER_RECORD
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final BatchProcessor processor;
    private final Mode mode;
    private final Duration pollTimeout;
    private final Backoff backoff;
    private final ConsumerMetrics metrics;
    private final BlockedOrdersCount blockedOrders;
    private final Clock clock;
    private final Map<TopicPartition, Long> lastAppliedTimestamp = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private final Thread thread;

    private volatile boolean running;
    private volatile LoopState state = LoopState.NEW;
    private volatile int consecutiveFailures;
    private volatile String lastFailure;
    private volatile long appliedTotal;
    private long nextBlockedCount;

    /** Counts the blocked orders for the gauge; may throw while Postgres is down. */
    @FunctionalInterface
    public interface BlockedOrdersCount {
        long count();
    }

    public ConsumerLoop(Consumer<byte[], byte[]> consumer, String topic, BatchProcessor processor, Mode mode,
                        Duration pollTimeout, Backoff backoff, ConsumerMetrics metrics,
                        BlockedOrdersCount blockedOrders, Clock clock) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.processor = Objects.requireNonNull(processor, "processor");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.blockedOrders = Objects.requireNonNull(blockedOrders, "blockedOrders");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = new Thread(this::run, "event-consumer-loop");
    }

    /** What the loop is doing, for health. */
    public enum LoopState { NEW, RUNNING, RETRYING, STOPPED, FAILED }

    public synchronized void start() {
        if (state != LoopState.NEW) {
            throw new IllegalStateException("the loop was started already");
        }
        running = true;
        state = LoopState.RUNNING;
        thread.start();
    }

    /**
     * Stops after the batch in flight: its offsets are committed and the consumer leaves the group.
     *
     * @return whether the loop ended within the timeout
     */
    public boolean stop(Duration timeout) {
        running = false;
        consumer.wakeup();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    public LoopState state() {
        return state;
    }

    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    public String lastFailure() {
        return lastFailure;
    }

    /** Events applied since start. */
    public long appliedTotal() {
        return appliedTotal;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            log.info("consumer.loop.started topic={} mode={}", topic, mode);
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(pollTimeout);
                } catch (WakeupException e) {
                    continue; // stop() was called; running is false now
                }
                if (!records.isEmpty()) {
                    handle(records);
                } else if (!uncommitted.isEmpty()) {
                    commitUncommitted(); // offsets a commit missed while Kafka was away
                }
                updateLag();
                countBlockedOrders();
            }
            state = LoopState.STOPPED;
        } catch (RuntimeException | Error e) {
            state = LoopState.FAILED;
            lastFailure = e.toString();
            log.error("consumer.loop.failed reason=\"{}\"", e.toString(), e);
        } finally {
            try {
                commitUncommitted();
            } catch (RuntimeException e) {
                log.warn("consumer.loop.final_commit_failed reason=\"{}\"", e.toString());
            }
            try {
                consumer.close(Duration.ofSeconds(10)); // leaves the group
            } catch (RuntimeException e) {
                log.warn("consumer.loop.close_failed reason=\"{}\"", e.toString());
            }
            log.info("consumer.loop.stopped applied_total={}", appliedTotal);
        }
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        List<ReceivedEvent> events = Records.toEvents(records);
        int attempt = consecutiveFailures + 1;
        long started = System.nanoTime();
        BatchResult result;
        try {
            result = mode == Mode.PER_POLL ? processor.process(events, attempt) : oneByOne(events, attempt);
        } catch (RuntimeException failure) {
            retryLater(records, failure);
            return;
        }
        metrics.batch(events.size(), System.nanoTime() - started);
        commit(records);
        appliedTotal += result.applied();
        if (consecutiveFailures > 0) {
            log.info("consumer.batch.recovered after_failures={}", consecutiveFailures);
        }
        consecutiveFailures = 0;
        state = LoopState.RUNNING;
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> ofPartition = records.records(partition);
            lastAppliedTimestamp.put(partition, ofPartition.get(ofPartition.size() - 1).timestamp());
        }
        log.debug("consumer.batch.done records={} applied={} duplicates={} stale={} dead_lettered={} parked={}",
                events.size(), result.applied(), result.duplicates(), result.stale(), result.deadLettered(),
                result.parked());
    }

    private BatchResult oneByOne(List<ReceivedEvent> events, int attempt) {
        BatchResult result = BatchResult.NONE;
        for (ReceivedEvent event : events) {
            result = result.plus(processor.process(List.of(event), attempt));
        }
        return result;
    }

    /** Puts every partition of the failed batch back to its first record, then waits before polling again. */
    private void retryLater(ConsumerRecords<byte[], byte[]> records, RuntimeException failure) {
        consecutiveFailures++;
        lastFailure = failure.toString();
        state = LoopState.RETRYING;
        metrics.batchRetried();
        var assigned = consumer.assignment();
        for (TopicPartition partition : records.partitions()) {
            if (assigned.contains(partition)) { // a partition moved away is re-read by its new owner
                consumer.seek(partition, records.records(partition).get(0).offset());
            }
        }
        Duration delay = backoff.delay(consecutiveFailures - 1);
        log.warn("consumer.batch.retry records={} attempt={} retry_in_ms={} reason=\"{}\"",
                records.count(), consecutiveFailures, delay.toMillis(), failure.toString(),
                consecutiveFailures == 1 ? failure : null);
        sleep(delay);
    }

    /**
     * Commits the batch's offsets, together with any an earlier commit could not. A failed commit
     * loses nothing: the effects are durable and recorded as applied, so whoever reads the records
     * again skips them; the offsets are kept and committed with the next batch (or dropped if their
     * partition moves away, its new owner then re-reading from the last committed offset).
     */
    private void commit(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> ofPartition = records.records(partition);
            uncommitted.put(partition, new OffsetAndMetadata(ofPartition.get(ofPartition.size() - 1).offset() + 1));
        }
        commitUncommitted();
    }

    private void commitUncommitted() {
        if (uncommitted.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(uncommitted);
        try {
            commitSync(offsets);
            offsets.forEach(uncommitted::remove);
        } catch (CommitFailedException | RebalanceInProgressException e) {
            log.warn("consumer.commit.failed reason=\"{}\" effect=\"offsets kept for the next commit; records re-read meanwhile are skipped as duplicates\"",
                    e.toString());
        } catch (KafkaException e) {
            if (e instanceof WakeupException || !(e instanceof RetriableException || e instanceof TimeoutException)) {
                throw e;
            }
            log.warn("consumer.commit.failed reason=\"{}\" effect=\"Kafka unavailable; offsets kept for the next commit\"",
                    e.toString());
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            // stop() woke the consumer while the batch ran: commit what the batch applied before leaving.
            consumer.commitSync(offsets);
        }
    }

    private void updateLag() {
        long now = clock.millis();
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isEmpty()) {
                continue;
            }
            Long last = lastAppliedTimestamp.get(partition);
            double seconds = lag.getAsLong() == 0 || last == null ? 0 : Math.max(0, now - last) / 1000.0;
            metrics.lag(partition.topic(), partition.partition(), lag.getAsLong(), seconds);
        }
    }

    private void countBlockedOrders() {
        long now = System.nanoTime();
        if (now - nextBlockedCount < 0) {
            return;
        }
        nextBlockedCount = now + BLOCKED_COUNT_INTERVAL.toNanos();
        try {
            metrics.blockedOrders(blockedOrders.count());
        } catch (RuntimeException e) {
            log.debug("consumer.blocked_orders.count_failed reason=\"{}\"", e.toString());
        }
    }

    private void sleep(Duration delay) {
        long until = System.nanoTime() + delay.toNanos();
        try {
            while (running && System.nanoTime() - until < 0) {
                TimeUnit.MILLISECONDS.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Batches run on this thread between polls, so nothing is in flight here: every batch
            // applied has had its offsets committed.
            log.info("consumer.partitions.revoked partitions={}", partitions);
            commitUncommitted(); // last chance to commit offsets of these partitions an earlier commit missed
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("consumer.partitions.assigned partitions={}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("consumer.partitions.lost partitions={}", partitions);
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                lastAppliedTimestamp.remove(partition);
                uncommitted.remove(partition);
                metrics.forgetLag(partition.topic(), partition.partition());
            }
        }
    }
}
