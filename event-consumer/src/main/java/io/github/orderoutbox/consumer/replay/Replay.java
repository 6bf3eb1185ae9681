package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.batch.BatchResult;
import io.github.orderoutbox.consumer.batch.DeadLetter;
import io.github.orderoutbox.consumer.batch.DeadLetters;
import io.github.orderoutbox.consumer.batch.RetryableBatchException;
import io.github.orderoutbox.consumer.dedup.RecentlyApplied;
import io.github.orderoutbox.consumer.kafka.Records;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.ReadModelChanges.CustomerKey;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.consumer.replay.RecordedHistory.Match;
import io.github.orderoutbox.consumer.replay.ReplayRepository.RowDifferences;
import io.github.orderoutbox.consumer.replay.ReplayRepository.RowsSnapshot;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.retry.Backoff;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rebuilds the orders that have a record at or after a point in time, from the topic.
 *
 * <ol>
 *   <li><b>Window.</b> Per partition, from the first offset at or after {@code from}
 *       ({@code offsetsForTimes}) to the end offset now.</li>
 *   <li><b>Pass 1</b> reads the window and collects the order ids (record keys) it touches.</li>
 *   <li><b>Plan</b>, in the transaction: which touched orders are rebuilt, which are left out and
 *       why ({@link RebuildPlan}); the events recorded as applied to those rebuilt
 *       ({@code read_model.applied_event}), which include their events before {@code from}.</li>
 *   <li><b>Delete</b> their rows ({@code order_summary}, {@code order_line}) and the records of
 *       their applied events.</li>
 *   <li><b>Pass 2</b> reads each partition from the first to the last recorded offset and feeds
 *       the recorded events, and only those, in batches of {@code consumer.max-poll-records}
 *       through the service's {@link BatchProcessor} with the same pipes but a deduplication that
 *       does not ask Redis ({@link io.github.orderoutbox.consumer.pipes.SkipDuplicates#withoutRedis}).</li>
 *   <li><b>Customers</b>: each customer row the rebuilt orders count in is set from its orders.</li>
 *   <li>Compare the rows with those before, then commit, or roll back for a dry run.</li>
 * </ol>
 *
 * <p>Everything from the plan on is ONE transaction on this thread: the processor's own
 * transactions join it, as savepoints ({@code PROPAGATION_NESTED}), so that a batch that fails can
 * be rolled back alone and tried again, and a refused write can still be split per event to find
 * the event at fault, as the service does. Nothing is visible to readers of the read model until
 * the replay commits, and a replay that fails changes nothing.
 */
final class Replay {

    private static final Logger log = LoggerFactory.getLogger(Replay.class);
    private static final int LISTED = 10;

    private final String topic;
    private final String deadLetterTopic;
    private final int batchSize;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Supplier<TopicReader> readers;
    private final Function<DeadLetters, BatchProcessor> processors;
    private final Supplier<DeadLetterSender> deadLetterSenders;
    private final ReplayRepository repository;
    private final ReadModelRepository readModel;
    private final RecentlyApplied recentlyApplied;
    private final TransactionTemplate replayTransaction;
    private final TransactionTemplate batchSavepoint;
    private final Duration progressInterval;

    /** The dead-letter topic's sender for one replay, closed when it ends. */
    interface DeadLetterSender extends DeadLetters, AutoCloseable {
        @Override
        void close();
    }

    /**
     * @param processors        makes the replay's batch processor around the dead letters of one
     *                          replay; it must write through {@link #savepoints}
     * @param deadLetterSenders opens the dead-letter topic for a real replay's first dead letter
     */
    Replay(String topic, String deadLetterTopic, int batchSize, int maxAttempts, Backoff backoff,
           Supplier<TopicReader> readers, Function<DeadLetters, BatchProcessor> processors,
           Supplier<DeadLetterSender> deadLetterSenders, ReplayRepository repository, ReadModelRepository readModel,
           RecentlyApplied recentlyApplied, PlatformTransactionManager transactionManager, Duration progressInterval) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.batchSize = batchSize;
        this.maxAttempts = maxAttempts;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.readers = Objects.requireNonNull(readers, "readers");
        this.processors = Objects.requireNonNull(processors, "processors");
        this.deadLetterSenders = Objects.requireNonNull(deadLetterSenders, "deadLetterSenders");
        this.repository = Objects.requireNonNull(repository, "repository");
        this.readModel = Objects.requireNonNull(readModel, "readModel");
        this.recentlyApplied = Objects.requireNonNull(recentlyApplied, "recentlyApplied");
        this.replayTransaction = new TransactionTemplate(transactionManager);
        this.batchSavepoint = savepoints(transactionManager);
        this.progressInterval = Objects.requireNonNull(progressInterval, "progressInterval");
    }

    /** Transactions that, inside the replay's, are savepoints of it. */
    static TransactionTemplate savepoints(PlatformTransactionManager transactionManager) {
        TransactionTemplate nested = new TransactionTemplate(transactionManager);
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        return nested;
    }

    /** Thrown when a replay cannot go on; its transaction is rolled back. */
    static final class ReplayFailedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ReplayFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the replay, writing what it does to {@code out}.
     *
     * @throws ReplayFailedException or another exception if it failed; nothing was changed then
     *         (but dead letters a real replay sent before failing stay in their topic)
     */
    ReplayReport run(ReplayOptions options, PrintStream out) {
        Progress progress = new Progress(out, progressInterval, System::nanoTime);
        try (TopicReader reader = readers.get()) {
            List<Integer> partitions = reader.partitions();
            SortedMap<Integer, Long> starts = reader.offsetsAt(partitions, options.from());
            SortedMap<Integer, Long> ends = reader.endOffsets(partitions);
            out.println("replay: from " + options.from() + " on topic " + topic + " (" + partitions.size()
                    + " partitions)" + (options.dryRun() ? ", dry run: nothing will be changed" : ""));
            out.println("replay: window: " + window(partitions, starts, ends));

            long read = 0;
            Set<String> touched = new HashSet<>();
            for (Map.Entry<Integer, Long> start : starts.entrySet()) {
                long end = ends.getOrDefault(start.getKey(), 0L);
                read += pass1(reader, progress, start.getKey(), start.getValue(), end, touched);
            }
            long scanned = read;
            out.println(String.format(Locale.ROOT, "replay: pass 1 done: %,d records read, %,d orders touched",
                    scanned, touched.size()));
            if (touched.isEmpty()) {
                out.println("replay: nothing to rebuild");
                return ReplayReport.nothingToRebuild(options.dryRun(), scanned, 0, Map.of());
            }

            ReplayDeadLetters deadLetters = new ReplayDeadLetters(deadLetterSenders::get, deadLetterTopic, options.dryRun());
            Set<UUID> notReapplied = new HashSet<>();
            ReplayReport report;
            try {
                report = replayTransaction.execute(status -> {
                    ReplayReport done = rebuild(reader, partitions, progress, out, options, scanned, touched,
                            deadLetters, notReapplied);
                    if (options.dryRun() || done.rebuilt() == 0) {
                        status.setRollbackOnly();
                    }
                    return done;
                });
            } finally {
                deadLetters.close();
            }
            if (report.committed()) {
                forgetInRedis(notReapplied, out);
            }
            return report;
        }
    }

    private long pass1(TopicReader reader, Progress progress, int partition, long start, long end, Set<String> touched) {
        if (start >= end) {
            return 0;
        }
        Progress.Partition shown = progress.start(1, partition, end - start);
        long[] read = {0};
        reader.read(partition, start, end, (records, position) -> {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String orderId = orderId(record);
                if (orderId != null) {
                    touched.add(orderId);
                }
            }
            read[0] = position - start;
            shown.update(read[0], touched.size());
            return true;
        });
        shown.done(read[0], touched.size());
        return read[0];
    }

    private ReplayReport rebuild(TopicReader reader, List<Integer> partitions, Progress progress, PrintStream out,
                                 ReplayOptions options, long scanned, Set<String> touched,
                                 ReplayDeadLetters deadLetters, Set<UUID> notReapplied) {
        Set<String> blocked = new HashSet<>();
        for (List<String> chunk : chunks(List.copyOf(touched))) {
            blocked.addAll(readModel.blockedAmong(chunk).keySet());
        }
        Set<String> candidates = new HashSet<>(touched);
        candidates.removeAll(blocked);
        Set<String> stored = repository.lockStoredOrders(candidates);
        List<RecordedEvent> recorded = repository.recordedEvents(candidates);
        RebuildPlan plan = RebuildPlan.of(touched, blocked, stored, recorded, topic, reader.logStartOffsets(partitions));
        plan.leftOut().forEach((reason, orders) -> out.println(String.format(Locale.ROOT,
                "replay: left out %,d %s (%s): %s", orders.size(), orders.size() == 1 ? "order" : "orders",
                reason.reason(), listed(orders))));
        if (plan.nothingApplied() > 0) {
            out.println(String.format(Locale.ROOT,
                    "replay: %,d touched orders have nothing applied yet; nothing to rebuild of them",
                    plan.nothingApplied()));
        }
        RecordedHistory history = plan.history();
        if (plan.rebuild().isEmpty()) {
            out.println("replay: nothing to rebuild");
            return ReplayReport.nothingToRebuild(options.dryRun(), scanned, touched.size(), plan.leftOut());
        }
        out.println(String.format(Locale.ROOT, "replay: rebuilding %,d orders from %,d recorded events: %s",
                plan.rebuild().size(), history.size(), ranges(history)));

        Set<CustomerKey> customers = new HashSet<>(repository.customersOf(plan.rebuild()));
        RowsSnapshot before = repository.snapshot(plan.rebuild(), customers);
        repository.deleteRecorded(history.eventIds());
        repository.deleteOrders(plan.rebuild());

        BatchProcessor processor = processors.apply(deadLetters);
        BatchResult result = BatchResult.NONE;
        for (Map.Entry<Integer, Long> first : history.firstOffsets().entrySet()) {
            result = result.plus(pass2(reader, progress, processor, history, first.getKey(), first.getValue()));
        }

        customers.addAll(repository.customersOf(plan.rebuild()));
        repository.setCustomersFromOrders(customers);
        RowDifferences differences = repository.snapshot(plan.rebuild(), customers).differencesFrom(before);
        Set<UUID> reapplied = new HashSet<>();
        for (List<UUID> chunk : chunks(List.copyOf(history.eventIds()))) {
            reapplied.addAll(readModel.appliedAmong(chunk));
        }
        notReapplied.addAll(history.eventIds());
        notReapplied.removeAll(reapplied);

        ReplayReport report = new ReplayReport(options.dryRun(), !options.dryRun(), scanned, touched.size(),
                plan.leftOut(), plan.rebuild().size(), history.size(), result, distinct(deadLetters.letters()),
                differences);
        printOutcome(report, out);
        return report;
    }

    private BatchResult pass2(TopicReader reader, Progress progress, BatchProcessor processor, RecordedHistory history,
                              int partition, long first) {
        long end = history.lastOffsets().get(partition) + 1;
        Progress.Partition shown = progress.start(2, partition, end - first);
        List<ReceivedEvent> batch = new ArrayList<>();
        Map<UUID, ReceivedEvent> held = new HashMap<>(); // turned up before an earlier event of their order
        BatchResult[] result = {BatchResult.NONE};
        long[] read = {0};
        reader.read(partition, first, end, (records, position) -> {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                UUID eventId = eventId(record);
                Match match = history.match(partition, eventId);
                if (match == Match.HOLD) {
                    held.put(eventId, Records.toEvent(record));
                } else if (match == Match.FEED) {
                    batch.add(Records.toEvent(record));
                    for (UUID fed = eventId, next; (next = history.takeHeld(fed).orElse(null)) != null; fed = next) {
                        batch.add(held.remove(next));
                    }
                    if (batch.size() >= batchSize) {
                        result[0] = result[0].plus(apply(processor, batch));
                        batch.clear();
                    }
                }
            }
            read[0] = position - first;
            shown.update(read[0], result[0].applied());
            return history.pending(partition) > 0;
        });
        if (!batch.isEmpty()) {
            result[0] = result[0].plus(apply(processor, batch));
        }
        shown.done(read[0], result[0].applied());
        List<RecordedEvent> notFound = history.notFed(partition);
        if (!notFound.isEmpty()) {
            throw new ReplayFailedException(notFound.size() + " recorded event(s) of partition " + partition
                    + " are not in the topic up to offset " + end + ", the first " + RecordedHistory.describe(notFound.get(0))
                    + "; the orders cannot be rebuilt from the topic", null);
        }
        return result[0];
    }

    /**
     * Applies one batch in a savepoint. A batch failing for a reason that may pass is rolled back to
     * its savepoint and tried again with backoff, up to {@code consumer.max-attempts} times, as the
     * delivery loop would; the event that fails unexpectedly on the last attempt is dead-lettered by
     * the processor.
     */
    private BatchResult apply(BatchProcessor processor, List<ReceivedEvent> batch) {
        List<ReceivedEvent> events = List.copyOf(batch);
        for (int attempt = 1; ; attempt++) {
            int tried = attempt;
            try {
                return batchSavepoint.execute(status -> processor.process(events, tried));
            } catch (RetryableBatchException e) {
                if (attempt >= maxAttempts) {
                    throw new ReplayFailedException("a batch of " + events.size() + " events failed " + attempt
                            + " times, the last because " + e.getMessage(), e);
                }
                Duration delay = backoff.delay(attempt - 1);
                log.warn("consumer.replay.batch_retry events={} attempt={} retry_in_ms={} reason=\"{}\"",
                        events.size(), attempt, delay.toMillis(), e.getMessage());
                sleep(delay);
            }
        }
    }

    private void printOutcome(ReplayReport report, PrintStream out) {
        BatchResult result = report.result();
        out.println(String.format(Locale.ROOT,
                "replay: %s %,d of %,d recorded events (%,d duplicates, %,d dead-lettered, %,d parked)",
                report.dryRun() ? "would re-apply" : "re-applied", result.applied(), report.recorded(),
                result.duplicates(), result.deadLettered(), result.parked()));
        if (!report.deadLetters().isEmpty()) {
            out.println(String.format(Locale.ROOT, "replay: %,d %s %s to %s%s, %s blocked until redriven:",
                    report.deadLetters().size(), report.deadLetters().size() == 1 ? "event" : "events",
                    report.dryRun() ? "would be dead-lettered" : "dead-lettered", deadLetterTopic,
                    report.dryRun() ? " (nothing sent)" : "", report.dryRun() ? "their orders would be" : "their orders"));
            for (DeadLetter letter : report.deadLetters()) {
                out.println("replay:   order " + letter.event().key() + ", event "
                        + letter.eventId().map(UUID::toString).orElse("(no valid id)") + " at " + letter.event().topic()
                        + "-" + letter.event().partition() + "@" + letter.event().offset() + ": "
                        + letter.reason().replaceAll("\\s*\\R\\s*", " "));
            }
        }
        RowDifferences differences = report.differences();
        out.println(String.format(Locale.ROOT,
                "replay: read model: %,d order %s, %,d line %s and %,d customer %s %s from before the replay%s",
                differences.orders(), rows(differences.orders()), differences.lines(), rows(differences.lines()),
                differences.customers(), rows(differences.customers()), report.dryRun() ? "would differ" : "differ",
                differences.orderIds().isEmpty() ? "" : " (orders " + listed(differences.orderIds()) + ")"));
    }

    private void forgetInRedis(Set<UUID> notReapplied, PrintStream out) {
        // Redis still says "applied" for an event the replay did not apply again (it was dead-lettered
        // this time). A redrive of it must not be skipped on Redis's word.
        if (notReapplied.isEmpty()) {
            return;
        }
        try {
            recentlyApplied.forget(notReapplied);
        } catch (RuntimeException e) {
            out.println("replay: could not remove the Redis keys of " + notReapplied.size()
                    + " events no longer applied (" + e + "); they expire after consumer.redis-ttl");
            log.warn("consumer.replay.redis_forget_failed events={} reason=\"{}\"", notReapplied.size(), e.toString());
        }
    }

    /** The order a record belongs to: its key, or the {@code ce_subject} header of a record without one. */
    private static String orderId(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() != null) {
            return new String(record.key(), StandardCharsets.UTF_8);
        }
        Header subject = record.headers().lastHeader(EventHeaders.SUBJECT);
        return subject == null || subject.value() == null ? null : new String(subject.value(), StandardCharsets.UTF_8);
    }

    /** The {@code ce_id} of a record, as the processor reads it; null when missing or not a UUID. */
    private static UUID eventId(ConsumerRecord<byte[], byte[]> record) {
        Header id = record.headers().lastHeader(EventHeaders.ID);
        if (id == null || id.value() == null) {
            return null;
        }
        try {
            return UUID.fromString(new String(id.value(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String window(List<Integer> partitions, SortedMap<Integer, Long> starts, SortedMap<Integer, Long> ends) {
        StringJoiner joiner = new StringJoiner(", ");
        for (int partition : partitions) {
            Long start = starts.get(partition);
            long end = ends.getOrDefault(partition, 0L);
            joiner.add(start == null || start >= end
                    ? "partition " + partition + " none"
                    : String.format(Locale.ROOT, "partition %d offsets %,d to %,d", partition, start, end));
        }
        return joiner.toString();
    }

    private static String ranges(RecordedHistory history) {
        StringJoiner joiner = new StringJoiner(", ");
        history.firstOffsets().forEach((partition, first) -> joiner.add(String.format(Locale.ROOT,
                "partition %d offsets %,d to %,d", partition, first, history.lastOffsets().get(partition) + 1)));
        return joiner.toString();
    }

    private static String rows(int count) {
        return count == 1 ? "row" : "rows";
    }

    private static String listed(Collection<String> orderIds) {
        List<String> first = orderIds.stream().limit(LISTED).toList();
        return String.join(", ", first) + (orderIds.size() > LISTED ? ", ..." : "");
    }

    /** Each event once, though a retried batch sent its dead letters again. */
    private static List<DeadLetter> distinct(List<DeadLetter> letters) {
        Map<String, DeadLetter> byRecord = new LinkedHashMap<>();
        for (DeadLetter letter : letters) {
            ReceivedEvent event = letter.event();
            byRecord.putIfAbsent(event.topic() + "-" + event.partition() + "@" + event.offset(), letter);
        }
        return List.copyOf(byRecord.values());
    }

    private static <T> List<List<T>> chunks(List<T> values) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < values.size(); from += 10_000) {
            chunks.add(values.subList(from, Math.min(values.size(), from + 10_000)));
        }
        return chunks;
    }

    private static void sleep(Duration delay) {
        try {
            TimeUnit.MILLISECONDS.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReplayFailedException("interrupted", e);
        }
    }
}
