package io.github.orderoutbox.consumer.kafka;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.batch.BatchProcessor.PreparedBatch;
import io.github.orderoutbox.consumer.batch.BatchResult;
import io.github.orderoutbox.consumer.batch.RetryableBatchException;
import io.github.orderoutbox.consumer.batch.WriteRefusedException;
import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.model.retry.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <p><b>One batch written while the next is prepared.</b> A batch's transaction is written on a
 * thread of its own ({@code event-consumer-write}) while this thread polls the next records and
 * runs them through the look-ups and pipes ({@link BatchProcessor#prepare}), which see the batch
 * being written as if it had committed. Only once that batch's transaction has committed are its
 * offsets committed and the next batch's dead letters and transaction started; so there is never
 * more than one batch in flight, and batches commit in the order they were polled. If the batch in
 * flight fails, the one prepared on top of it is thrown away and both are read again.
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
    private static final Duration IN_FLIGHT_POLL_TIMEOUT = Duration.ofMillis(10);

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
    private final Duration inFlightPollTimeout;
    private final Backoff backoff;
    private final ConsumerMetrics metrics;
    private final BlockedOrdersCount blockedOrders;
    private final Clock clock;
    private final Map<TopicPartition, Long> lastAppliedTimestamp = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private final Thread thread;
    private final ExecutorService writer;
    /** Where each partition is read again from after a failure, the earliest offset of the batches given up. */
    private final Map<TopicPartition, Long> rewind = new HashMap<>();
    private int givenUp;                  // records of the batches given up since they were last read again

    private InFlight inFlight;            // the batch being written, or null
    private RuntimeException failure;     // why the batches in rewind were given up, or null
    private boolean oneTransactionEach;   // the last batch's changes were refused together: apply the next poll synchronously

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
        this.inFlightPollTimeout = pollTimeout.compareTo(IN_FLIGHT_POLL_TIMEOUT) < 0 ? pollTimeout : IN_FLIGHT_POLL_TIMEOUT;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.blockedOrders = Objects.requireNonNull(blockedOrders, "blockedOrders");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.thread = new Thread(this::run, "event-consumer-loop");
        this.writer = Executors.newSingleThreadExecutor(runnable -> {
            Thread writing = new Thread(runnable, "event-consumer-write");
            writing.setDaemon(true);
            return writing;
        });
    }

    /** A batch whose dead letters and transaction are being written. */
    private record InFlight(Polled polled, long startedNanos, PreparedBatch batch, Future<BatchResult> result) {
    }

    /**
     * Where a poll's records lie, per partition, without the records: what committing, reading
     * again and the lag need, so a batch being written does not keep its records alive.
     */
    private record Polled(List<Span> spans, int count) {

        record Span(TopicPartition partition, long firstOffset, long lastOffset, long lastTimestamp) {
        }

        static Polled of(ConsumerRecords<byte[], byte[]> records) {
            List<Span> spans = new ArrayList<>(records.partitions().size());
            for (TopicPartition partition : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> ofPartition = records.records(partition);
                ConsumerRecord<byte[], byte[]> last = ofPartition.get(ofPartition.size() - 1);
                spans.add(new Span(partition, ofPartition.get(0).offset(), last.offset(), last.timestamp()));
            }
            return new Polled(spans, records.count());
        }
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
                    // While a batch is written, short polls: its offsets are committed soon after its transaction.
                    records = consumer.poll(inFlight == null ? pollTimeout : inFlightPollTimeout);
                } catch (WakeupException e) {
                    continue; // stop() was called; running is false now
                }
                if (failure != null) {
                    readAgain(Polled.of(records)); // the batch in flight failed while the group rebalanced
                } else if (records.isEmpty()) {
                    if (inFlight == null || inFlight.result().isDone()) { // else polled again, and prepared if any came
                        settle();
                        if (failure != null) {
                            readAgain(Polled.of(records));
                        } else if (!uncommitted.isEmpty()) {
                            commitUncommitted(); // offsets a commit missed while Kafka was away
                        }
                    }
                } else if (mode == Mode.PER_POLL && !oneTransactionEach) {
                    prepareWhileWriting(records);
                } else {
                    oneTransactionEach = false;
                    handle(records);
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
                settle();
                if (failure != null) {
                    log.warn("consumer.loop.final_batch_failed reason=\"{}\" effect=\"its offsets are not committed: whoever reads its partitions next reads it again\"",
                            failure.toString());
                }
            } catch (RuntimeException e) {
                log.warn("consumer.loop.final_commit_failed reason=\"{}\"", e.toString());
            }
            writer.shutdownNow();
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

    /**
     * Prepares the poll's batch while the one before it is written, then waits for that one and,
     * once it has committed, starts writing this one. A batch that cannot be prepared is read
     * again after a backoff, as is the batch it was prepared on if that one failed.
     */
    private void prepareWhileWriting(ConsumerRecords<byte[], byte[]> records) {
        List<ReceivedEvent> events = Records.toEvents(records);
        Polled polled = Polled.of(records);
        long started = System.nanoTime();
        PreparedBatch batch;
        try {
            batch = processor.prepare(events, consecutiveFailures + 1, inFlight == null ? null : inFlight.batch());
        } catch (RuntimeException prepareFailed) {
            settle();
            if (failure == null) {
                failure = prepareFailed; // the batch before is applied: only this one is read again
            }
            readAgain(polled);
            return;
        }
        settle();
        if (failure != null) {
            readAgain(polled); // this batch was prepared on changes that were not written
            return;
        }
        inFlight = new InFlight(polled, started, batch, writer.submit(() -> processor.complete(batch)));
    }

    /**
     * Waits for the batch in flight, if any. Once it is written, its offsets are committed; if it
     * failed, its records are to be read again ({@link #failure}, {@link #rewind}).
     */
    private void settle() {
        if (inFlight == null) {
            return;
        }
        InFlight batch = inFlight;
        inFlight = null;
        try {
            applied(batch.polled(), batch.startedNanos(), awaitWrite(batch.result()));
        } catch (RuntimeException writeFailed) {
            failure = writeFailed;
            rewindTo(batch.polled());
        }
    }

    private static BatchResult awaitWrite(Future<BatchResult> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableBatchException("interrupted while the batch was written", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("writing the batch failed", e.getCause());
        } catch (CancellationException e) {
            throw new IllegalStateException("writing the batch was cancelled", e);
        }
    }

    /** Applies the poll's records on this thread, as one batch or one record at a time. */
    private void handle(ConsumerRecords<byte[], byte[]> records) {
        List<ReceivedEvent> events = Records.toEvents(records);
        int attempt = consecutiveFailures + 1;
        long started = System.nanoTime();
        BatchResult result;
        try {
            result = mode == Mode.PER_POLL ? processor.process(events, attempt) : oneByOne(events, attempt);
        } catch (RuntimeException processFailed) {
            failure = processFailed;
            readAgain(Polled.of(records));
            return;
        }
        applied(Polled.of(records), started, result);
    }

    /** Commits an applied batch's offsets and counts it. */
    private void applied(Polled polled, long startedNanos, BatchResult result) {
        metrics.batch(polled.count(), System.nanoTime() - startedNanos);
        commit(polled);
        appliedTotal += result.applied();
        if (consecutiveFailures > 0) {
            log.info("consumer.batch.recovered after_failures={}", consecutiveFailures);
        }
        consecutiveFailures = 0;
        state = LoopState.RUNNING;
        for (Polled.Span span : polled.spans()) {
            lastAppliedTimestamp.put(span.partition(), span.lastTimestamp());
        }
        log.debug("consumer.batch.done records={} applied={} duplicates={} dead_lettered={} parked={}",
                polled.count(), result.applied(), result.duplicates(), result.deadLettered(),
                result.parked());
    }

    private BatchResult oneByOne(List<ReceivedEvent> events, int attempt) {
        BatchResult result = BatchResult.NONE;
        for (ReceivedEvent event : events) {
            result = result.plus(processor.process(List.of(event), attempt));
        }
        return result;
    }

    /** Marks the records' partitions to be read again from their first record. */
    private void rewindTo(Polled polled) {
        for (Polled.Span span : polled.spans()) {
            rewind.merge(span.partition(), span.firstOffset(), Math::min);
        }
        givenUp += polled.count();
    }

    /**
     * Gives up the batches that failed and the records {@code polled} (meanwhile, or the batch that
     * failed itself): puts every partition back to the first record not applied, then waits before
     * polling again, or, if the database refused a batch's changes together, goes on at once with
     * one transaction per event for the next poll.
     */
    private void readAgain(Polled polled) {
        rewindTo(polled);
        int records = givenUp; // the batch that failed and the one prepared on it, when one was
        givenUp = 0;
        RuntimeException cause = failure;
        failure = null;
        var assigned = consumer.assignment();
        rewind.forEach((partition, offset) -> {
            if (assigned.contains(partition)) { // a partition moved away is re-read by its new owner
                consumer.seek(partition, offset);
            }
        });
        rewind.clear();
        if (cause instanceof WriteRefusedException refused) {
            oneTransactionEach = true;
            log.warn("consumer.batch.write_refused reason=\"{}\" action=\"reading the batch again, one event per transaction\"",
                    refused.getCause() == null ? refused.toString() : refused.getCause().toString());
            return;
        }
        consecutiveFailures++;
        lastFailure = cause.toString();
        state = LoopState.RETRYING;
        metrics.batchRetried();
        Duration delay = backoff.delay(consecutiveFailures - 1);
        log.warn("consumer.batch.retry records={} attempt={} retry_in_ms={} reason=\"{}\"",
                records, consecutiveFailures, delay.toMillis(), cause.toString(),
                consecutiveFailures == 1 ? cause : null);
        sleep(delay);
    }

    /**
     * Commits the batch's offsets, together with any an earlier commit could not. A failed commit
     * loses nothing: the effects are durable and recorded as applied, so whoever reads the records
     * again skips them; the offsets are kept and committed with the next batch (or dropped if their
     * partition moves away, its new owner then re-reading from the last committed offset).
     */
    private void commit(Polled polled) {
        for (Polled.Span span : polled.spans()) {
            uncommitted.put(span.partition(), new OffsetAndMetadata(span.lastOffset() + 1));
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
            // The batch being written is waited for, so that its offsets are committed before the
            // partitions move. (A batch is prepared between polls and started before the next
            // poll, so no prepared batch waits here.)
            log.info("consumer.partitions.revoked partitions={}", partitions);
            settle();
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
            settle(); // its offsets cannot be committed any more; whoever owns the partitions now skips what it applied
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                lastAppliedTimestamp.remove(partition);
                uncommitted.remove(partition);
                rewind.remove(partition);
                metrics.forgetLag(partition.topic(), partition.partition());
            }
        }
    }
}
