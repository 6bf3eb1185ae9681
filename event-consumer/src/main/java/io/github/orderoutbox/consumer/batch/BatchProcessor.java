package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.PipeFailedException;
import io.github.orderoutbox.consumer.pipeline.PipeTimer;
import io.github.orderoutbox.consumer.pipeline.Pipeline;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.BlockedOrder;
import io.github.orderoutbox.consumer.readmodel.EventIdReusedException;
import io.github.orderoutbox.consumer.readmodel.OrderRelease;
import io.github.orderoutbox.consumer.readmodel.OutOfPositionException;
import io.github.orderoutbox.consumer.readmodel.ParkedRecord;
import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.EventHeaders;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies one batch of events (the records of one poll, in the order received) through the pipes:
 * the read-model changes of the whole batch are written in one transaction, while a failing event
 * does not fail the others.
 *
 * <ol>
 *   <li>Records of blocked orders are parked, not run: nothing of an order is applied past a
 *       dead-lettered event of it.</li>
 *   <li>Pipes that are {@link BatchAware} look up what the batch needs at once (Redis, the
 *       applied-event records, the stored orders).</li>
 *   <li>Each event goes through the pipes. One whose failure lies in the event itself is
 *       dead-lettered, and its order blocked, so its later events (in this batch too) are parked.
 *       An outage fails the batch, to be retried whole; nothing of it has been written.</li>
 *   <li>The dead letters are sent and acknowledged, then the batch's changes, blocked orders and
 *       parked records are written in one transaction; only then may the caller commit offsets.</li>
 * </ol>
 *
 * <p>The first three steps are {@link #prepare}, the last {@link #complete}, so that the delivery
 * loop can prepare one batch while the one before it is written; {@link #process} does both.
 *
 * <p>If that transaction fails for a reason other than an outage (a row a constraint refuses),
 * {@link #process} applies the batch again one event per transaction, so that only the event at
 * fault is dead-lettered ({@link #complete} throws {@link WriteRefusedException} instead).
 */
public final class BatchProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);
    private static final String WRITE_PHASE = DeadLetter.WRITE_PHASE;
    /** Fewer events than this per thread are validated on the caller's thread: handing over would cost more. */
    private static final int MIN_SLICE = 64;

    private final Pipeline<EventContext> pipeline;
    private final Pipeline<EventContext> leading; // the pipes before the first BatchAware one, or null
    private final Pipeline<EventContext> rest;    // the first BatchAware pipe and those after it
    private final ExecutorService leadingThreads; // or null: the leading pipes run on the caller's thread
    private final int parallelism;
    private final List<BatchAware> batchAware;
    private final ReadModelRepository readModel;
    private final TransactionTemplate transactions;
    private final DeadLetters deadLetters;
    private final ConsumerMetrics metrics;
    private final int maxAttempts;

    /**
     * @param pipes       the pipes in the order they run; those that are {@link BatchAware} are
     *                    told about each batch in that order
     * @param maxAttempts how many times an event is tried when it fails unexpectedly (neither the
     *                    event's fault nor an outage) before it is dead-lettered
     */
    public BatchProcessor(List<? extends Pipe<EventContext>> pipes, PipeTimer timer, ReadModelRepository readModel,
                          TransactionTemplate transactions, DeadLetters deadLetters, ConsumerMetrics metrics,
                          int maxAttempts) {
        this(pipes, timer, readModel, transactions, deadLetters, metrics, maxAttempts, null, 1);
    }

    /**
     * A processor that runs the pipes before the first {@link BatchAware} one (validation and
     * enrichment, which need nothing from the batch) on {@code parallelism} threads of
     * {@code leadingThreads}, split into contiguous slices of the batch, while the calling thread
     * does the batch's look-ups (Redis, Postgres); the rest of the chain then runs event by event
     * in order on the calling thread. What each event goes through, and in which order its
     * outcome counts, is the same as on one thread.
     *
     * @param leadingThreads where the leading pipes run, or {@code null} for the calling thread
     */
    public BatchProcessor(List<? extends Pipe<EventContext>> pipes, PipeTimer timer, ReadModelRepository readModel,
                          TransactionTemplate transactions, DeadLetters deadLetters, ConsumerMetrics metrics,
                          int maxAttempts, ExecutorService leadingThreads, int parallelism) {
        this.pipeline = Pipeline.through(pipes).timedBy(timer).build();
        int firstBatchAware = 0;
        while (firstBatchAware < pipes.size() && !(pipes.get(firstBatchAware) instanceof BatchAware)) {
            firstBatchAware++;
        }
        this.leading = firstBatchAware == 0 ? null
                : Pipeline.through(pipes.subList(0, firstBatchAware)).timedBy(timer).build();
        this.rest = Pipeline.through(pipes.subList(firstBatchAware, pipes.size())).timedBy(timer).build();
        this.leadingThreads = leadingThreads;
        this.parallelism = Math.max(1, parallelism);
        this.batchAware = pipes.stream().filter(BatchAware.class::isInstance).map(BatchAware.class::cast).toList();
        this.readModel = Objects.requireNonNull(readModel, "readModel");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
    }

    /** The names of the pipes in the order they run. */
    public List<String> pipeNames() {
        return pipeline.pipeNames();
    }

    /**
     * Applies the events; when it returns, everything it did is durable.
     *
     * @param attempt 1 the first time these events are tried, more on retries
     * @throws RetryableBatchException if an outage stopped the batch; nothing of it was written
     */
    public BatchResult process(List<ReceivedEvent> events, int attempt) {
        if (events.isEmpty()) {
            return BatchResult.NONE;
        }
        try {
            return complete(prepare(events, attempt, null));
        } catch (WriteRefusedException refused) {
            if (events.size() == 1) {
                return deadLetterAlone(events.get(0), attempt, refused.getCause());
            }
            log.warn("consumer.batch.write_refused events={} reason=\"{}\" action=\"applying the batch one event per transaction\"",
                    events.size(), refused.getCause().toString());
            BatchResult result = BatchResult.NONE;
            for (ReceivedEvent event : events) {
                result = result.plus(process(List.of(event), attempt));
            }
            return result;
        }
    }

    /**
     * Sends the events through the pipes and gathers what the batch will write, but writes and
     * sends nothing: {@link #complete} does that. The delivery loop prepares the next poll's batch
     * while the one before it is being written.
     *
     * @param inFlight the batch prepared before this one, whose transaction may not have committed
     *                 yet, or {@code null} if there is none. This batch sees its changes as if
     *                 they were committed (its orders as it left them, its events applied, its
     *                 orders blocked), so this batch must be thrown away if that one fails
     * @throws RetryableBatchException if an outage stopped the look-ups or a pipe
     */
    public PreparedBatch prepare(List<ReceivedEvent> events, int attempt, PreparedBatch inFlight) {
        BatchScope batch = new BatchScope(attempt, inFlight == null ? null : inFlight.scope.changes());
        Set<String> keys = keysOf(events);
        Map<String, UUID> blocked = new HashMap<>(outageSafe(() -> readModel.blockedAmong(keys), "reading blocked orders"));
        if (inFlight != null) {
            inFlight.newlyBlocked.forEach((orderId, eventId) -> {
                if (keys.contains(orderId)) {
                    blocked.putIfAbsent(orderId, eventId);
                }
            });
        }

        List<ReceivedEvent> toRun = events.stream().filter(e -> e.key() == null || !blocked.containsKey(e.key())).toList();
        EventContext[] contexts = new EventContext[toRun.size()];
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = new EventContext(toRun.get(i), attempt, batch);
        }
        Object[] leadingOutcomes = new Object[contexts.length];
        List<Future<?>> leadingWork = startLeading(contexts, leadingOutcomes);
        try {
            lookUp(batch, toRun); // while the leading pipes run
        } finally {
            awaitLeading(leadingWork);
            batch.forgetInFlight(); // the look-ups have taken what they need from it
        }

        PreparedBatch prepared = new PreparedBatch(events.size(), batch);
        int next = 0;
        for (ReceivedEvent event : events) {
            String orderId = event.key();
            boolean ran = orderId == null || next < contexts.length && contexts[next].event() == event;
            int index = ran ? next++ : -1;
            if (orderId != null && blocked.containsKey(orderId)) {
                batch.changes().park(new ParkedRecord(event, orderId, parkReason(orderId, blocked.get(orderId))));
                prepared.parked++;
                continue;
            }
            EventContext context = contexts[index];
            Object leadingOutcome = leadingOutcomes[index];
            contexts[index] = null; // what the event parsed to is garbage once it has been through:
            leadingOutcomes[index] = null; // it need not outlive the batch while it is written
            try {
                Outcome outcome = leadingOutcome(leadingOutcome);
                if (outcome == null || outcome.isCompleted()) {
                    outcome = rest.send(context);
                }
                if (prepared.tally.add(outcome, event)) {
                    prepared.appliedTypes.add(context.eventType());
                }
            } catch (PipeFailedException failure) {
                Failures.Kind kind = Failures.classify(failure.getCause());
                if (kind == Failures.Kind.OUTAGE || (kind == Failures.Kind.UNEXPECTED && attempt < maxAttempts)) {
                    throw new RetryableBatchException("event " + event + " failed in pipe " + failure.pipe(),
                            failure.getCause());
                }
                DeadLetter letter = new DeadLetter(event, failure.pipe(), failure.getCause(), attempt, event.eventIdHeader());
                prepared.letters.add(letter);
                if (orderId != null) {
                    blocked.put(orderId, letter.eventId().orElse(null));
                    prepared.newlyBlocked.putIfAbsent(orderId, letter.eventId().orElse(null));
                }
            }
        }
        return prepared;
    }

    /**
     * Sends a prepared batch's dead letters and waits for Kafka's acknowledgement, then writes its
     * changes, blocked orders and parked records in one transaction; when it returns, everything is
     * durable and Redis has been told about the applied events.
     *
     * @throws RetryableBatchException if an outage stopped it; nothing of the batch was written
     * @throws WriteRefusedException   if the database refused the batch's changes for a reason
     *                                 other than an outage; nothing of it was written
     */
    public BatchResult complete(PreparedBatch prepared) {
        ReadModelChanges changes = prepared.scope.changes();
        List<DeadLetter> letters = prepared.letters;
        List<DeadLetters.Receipt> receipts = letters.isEmpty() ? List.of() : deadLetters.send(letters);
        for (int i = 0; i < letters.size(); i++) {
            DeadLetter letter = letters.get(i);
            DeadLetters.Receipt receipt = receipts.get(i);
            if (letter.failure() instanceof OutOfPositionException outOfPosition) {
                // Not the event's own fault but its order's stream's (a writer that skipped the
                // order lock, a relay's republish): a fault upstream that someone must look at.
                log.error("consumer.event.out_of_position event=\"{}\" event_id={} order_id={} position={} order_position={} dead_letter={}-{}@{} effect=\"order blocked until redriven\"",
                        letter.event(), outOfPosition.eventId(), outOfPosition.orderId(), outOfPosition.position(),
                        outOfPosition.orderPosition(), receipt.topic(), receipt.partition(), receipt.offset());
                metrics.outOfPosition();
            } else if (letter.failure() instanceof EventIdReusedException reused) {
                // A second event under an id applied before: the writer made no new id for it.
                log.error("consumer.event.id_reused event=\"{}\" event_id={} order_id={} position={} applied_position={} dead_letter={}-{}@{} effect=\"order blocked until redriven\"",
                        letter.event(), reused.eventId(), reused.orderId(), reused.position(),
                        reused.appliedPosition(), receipt.topic(), receipt.partition(), receipt.offset());
                metrics.eventIdReused();
            } else {
                log.warn("consumer.event.dead_lettered event=\"{}\" event_id={} pipe={} attempts={} reason=\"{}\" dead_letter={}-{}@{}",
                        letter.event(), letter.eventId().map(UUID::toString).orElse("unknown"), letter.pipe(),
                        letter.attempts(), letter.reason(), receipt.topic(), receipt.partition(), receipt.offset());
            }
            metrics.deadLettered(letter.pipe(), letter.failure());
            if (letter.event().key() != null) {
                changes.block(new BlockedOrder(letter.event().key(), letter.eventId().orElse(null), letter.reason(),
                        receipt.topic(), receipt.partition(), receipt.offset()));
            }
        }

        write(changes, false);
        afterCommit(prepared.scope);
        Tally tally = prepared.tally;
        prepared.appliedTypes.forEach(metrics::applied);
        metrics.duplicates(tally.duplicates);
        metrics.parked(prepared.parked);
        return new BatchResult(tally.applied, tally.duplicates, letters.size(), prepared.parked);
    }

    /** Dead-letters an event whose changes the database refused when written on its own. */
    private BatchResult deadLetterAlone(ReceivedEvent event, int attempt, Throwable refusal) {
        DeadLetter letter = new DeadLetter(event, WRITE_PHASE, refusal, attempt, event.eventIdHeader());
        DeadLetters.Receipt receipt = deadLetters.send(List.of(letter)).get(0);
        log.warn("consumer.event.dead_lettered event=\"{}\" pipe={} reason=\"{}\" dead_letter={}-{}@{}",
                event, WRITE_PHASE, letter.reason(), receipt.topic(), receipt.partition(), receipt.offset());
        metrics.deadLettered(WRITE_PHASE, refusal);
        if (event.key() != null) {
            ReadModelChanges changes = new ReadModelChanges();
            changes.block(new BlockedOrder(event.key(), letter.eventId().orElse(null), letter.reason(),
                    receipt.topic(), receipt.partition(), receipt.offset()));
            write(changes, false);
        }
        return new BatchResult(0, 0, 1, 0);
    }

    /** Writes the changes in one transaction, or (a dry run) writes them and rolls the transaction back. */
    private void write(ReadModelChanges changes, boolean rollBack) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            transactions.executeWithoutResult(status -> {
                readModel.write(changes);
                if (rollBack) {
                    status.setRollbackOnly();
                }
            });
        } catch (RuntimeException e) {
            if (Failures.classify(e) == Failures.Kind.OUTAGE) {
                throw new RetryableBatchException("writing the batch failed", e);
            }
            throw new WriteRefusedException(e);
        }
    }

    private static <T> T outageSafe(java.util.function.Supplier<T> work, String what) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (Failures.classify(e) == Failures.Kind.OUTAGE) {
                throw new RetryableBatchException(what + " failed", e);
            }
            throw e;
        }
    }

    /**
     * A batch that has been through the pipes, waiting for {@link #complete}: its read-model
     * changes, the dead letters to send, and what became of its events.
     */
    public static final class PreparedBatch {

        private final int size;
        private final BatchScope scope;
        private final Tally tally = new Tally();
        private final List<String> appliedTypes = new ArrayList<>();
        private final List<DeadLetter> letters = new ArrayList<>();
        private final Map<String, UUID> newlyBlocked = new HashMap<>(); // by this batch's dead letters
        private int parked;

        private PreparedBatch(int size, BatchScope scope) {
            this.size = size;
            this.scope = scope;
        }

        /** How many events the batch holds. */
        public int size() {
            return size;
        }
    }

    private static Set<String> keysOf(List<ReceivedEvent> events) {
        Set<String> keys = new LinkedHashSet<>();
        for (ReceivedEvent event : events) {
            if (event.key() != null) {
                keys.add(event.key());
            }
        }
        return keys;
    }

    private static String parkReason(String orderId, UUID blockedBy) {
        return "order " + orderId + " is blocked by dead-lettered event "
                + (blockedBy == null ? "(without a valid id)" : blockedBy.toString());
    }

    /**
     * Sends the events of one blocked order through the pipes again, as one batch in the order
     * given (outbox-position order), and releases the order if every one of them is applied or
     * skipped as a duplicate: the effects and the release are written in one transaction. If one
     * fails, the rest are not tried, nothing is written, and the order stays blocked as it was; no
     * dead letter is sent.
     *
     * <p>Unlike {@link #process}, an event of a blocked order is run rather than parked (its order
     * is the one being released), an unexpected failure is not retried (the operator runs the
     * redrive again), and Redis and the metrics hear of the events only once they are committed.
     *
     * <p><b>Rebuilding.</b> When {@code history} is not empty, one of the events belongs before
     * events already applied to the order (it is out of position: the order's row reflects a later
     * position). The read model's version guard cannot apply it after them, so the order is rebuilt
     * in the same transaction: it is taken out of its customer's counters, its row, lines and the
     * records of its applied events are deleted, and its applied events (as read back from the
     * topic) and the redriven ones are applied anew, together, in outbox-position order. The read
     * model then shows the order as if its events had arrived in commit order.
     *
     * @param release what to remove once the events are applied: the order's block as read, and
     *                the parked records among the events
     * @param history the events recorded as applied to the order, read back from the topic, when
     *                the order must be rebuilt; empty otherwise
     * @param events  the dead-lettered event and the parked ones, every one keyed by the order
     * @param dryRun  run the pipes and the transaction's statements, then roll it back
     * @throws RetryableBatchException if an outage stopped the redrive; nothing of it was written
     */
    public RedriveResult redrive(OrderRelease release, List<ReceivedEvent> history, List<ReceivedEvent> events,
                                 boolean dryRun) {
        String orderId = release.orderId();
        if (events.isEmpty()) {
            throw new IllegalArgumentException("no events to redrive for order " + orderId);
        }
        for (ReceivedEvent event : concat(history, events)) {
            if (!orderId.equals(event.key())) {
                throw new IllegalArgumentException("event " + event + " is not of order " + orderId);
            }
        }
        Redriven redriven;
        if (history.isEmpty()) {
            redriven = runRedrive(release, events, dryRun, 0);
        } else {
            List<UUID> recorded = history.stream().map(e -> e.eventIdHeader().orElseThrow(() ->
                    new IllegalArgumentException("recorded event " + e + " has no valid ce_id"))).toList();
            List<ReceivedEvent> all = inOutboxOrder(concat(history, events));
            redriven = outageSafe(() -> transactions.execute(status -> {
                readModel.forgetOrder(orderId, recorded);
                Redriven done = runRedrive(release, all, dryRun, history.size());
                if (dryRun || done.failure != null) {
                    status.setRollbackOnly();
                }
                return done;
            }), "rebuilding order " + orderId);
        }
        if (redriven.failure == null && !dryRun) {
            afterCommit(redriven.batch);
            redriven.appliedTypes.forEach(metrics::applied);
            metrics.duplicates(redriven.tally.duplicates);
        }
        return redriven.result(orderId, events.size());
    }

    /** Runs the events through the pipes and writes their effects and the release (rolled back in a dry run). */
    private Redriven runRedrive(OrderRelease release, List<ReceivedEvent> events, boolean dryRun, int reapplied) {
        BatchScope batch = new BatchScope(1);
        lookUp(batch, events);
        Redriven redriven = new Redriven(batch, reapplied);
        for (int i = 0; i < events.size(); i++) {
            ReceivedEvent event = events.get(i);
            EventContext context = new EventContext(event, 1, batch);
            try {
                if (redriven.tally.add(pipeline.send(context), event)) {
                    redriven.appliedTypes.add(context.eventType());
                }
            } catch (PipeFailedException failure) {
                if (Failures.classify(failure.getCause()) == Failures.Kind.OUTAGE) {
                    throw new RetryableBatchException("redriving event " + event + " failed in pipe " + failure.pipe(),
                            failure.getCause());
                }
                redriven.failure = new RedriveResult.Failure(i + 1, Optional.of(event), failure.pipe(), failure.getCause());
                return redriven;
            }
        }
        batch.changes().release(release);
        try {
            write(batch.changes(), dryRun);
        } catch (WriteRefusedException refused) {
            // No one event is to blame: the database refused the changes of all of them together.
            redriven.failure = new RedriveResult.Failure(0, Optional.empty(), WRITE_PHASE, refused.getCause());
        }
        return redriven;
    }

    /** What a redrive did before its outcome is reported: its batch, counts and failure, if any. */
    private static final class Redriven {

        final BatchScope batch;
        final int reapplied;
        final Tally tally = new Tally();
        final List<String> appliedTypes = new ArrayList<>();
        RedriveResult.Failure failure;

        Redriven(BatchScope batch, int reapplied) {
            this.batch = batch;
            this.reapplied = reapplied;
        }

        RedriveResult result(String orderId, int events) {
            // The recorded events of a rebuilt order are applied again; they are reported apart.
            int applied = failure == null ? tally.applied - reapplied : tally.applied;
            return new RedriveResult(orderId, events, applied, tally.duplicates, reapplied,
                    Optional.ofNullable(failure));
        }
    }

    /**
     * The events in outbox-position order ({@code ce_outboxposition}), the order their commits
     * gave them, when every one has a position; otherwise (an event too broken to say) in the order
     * given. Events at the same position keep their order.
     */
    public static List<ReceivedEvent> inOutboxOrder(List<ReceivedEvent> events) {
        List<ReceivedEvent> sorted = new ArrayList<>(events);
        if (events.stream().allMatch(e -> position(e).isPresent())) {
            sorted.sort(Comparator.comparingLong(e -> position(e).getAsLong()));
        }
        return sorted;
    }

    /** The event's outbox position, if its {@code ce_outboxposition} header is a number. */
    public static OptionalLong position(ReceivedEvent event) {
        try {
            return event.header(EventHeaders.POSITION)
                    .map(p -> OptionalLong.of(Long.parseLong(p.trim())))
                    .orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static List<ReceivedEvent> concat(List<ReceivedEvent> first, List<ReceivedEvent> second) {
        List<ReceivedEvent> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** Lets the pipes that work per batch look up what the events to run need. */
    /**
     * Sends each context through the leading pipes, keeping its outcome (or the failure it threw)
     * at its index: on the leading threads in slices when there are any and the batch is worth
     * splitting, else here and now.
     */
    private List<Future<?>> startLeading(EventContext[] contexts, Object[] outcomes) {
        if (leading == null) {
            return List.of(); // outcomes stay null: every event goes straight to the rest of the chain
        }
        int slices = leadingThreads == null ? 1 : Math.min(parallelism, contexts.length / MIN_SLICE);
        if (slices <= 1) {
            runLeading(contexts, outcomes, 0, contexts.length);
            return List.of();
        }
        List<Future<?>> work = new ArrayList<>(slices);
        int size = (contexts.length + slices - 1) / slices;
        for (int from = 0; from < contexts.length; from += size) {
            int start = from;
            int end = Math.min(contexts.length, from + size);
            work.add(leadingThreads.submit(() -> runLeading(contexts, outcomes, start, end)));
        }
        return work;
    }

    private void runLeading(EventContext[] contexts, Object[] outcomes, int from, int to) {
        for (int i = from; i < to; i++) {
            try {
                outcomes[i] = leading.send(contexts[i]);
            } catch (RuntimeException failure) {
                outcomes[i] = failure; // counted in order, on the caller's thread
            }
        }
    }

    private static void awaitLeading(List<Future<?>> work) {
        for (Future<?> slice : work) {
            try {
                slice.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryableBatchException("interrupted while validating the batch", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("the leading pipes failed outside any pipe", e.getCause());
            }
        }
    }

    private static Outcome leadingOutcome(Object outcome) {
        if (outcome instanceof RuntimeException failure) {
            throw failure;
        }
        return (Outcome) outcome;
    }

    private void lookUp(BatchScope batch, List<ReceivedEvent> toRun) {
        for (BatchAware aware : batchAware) {
            outageSafe(() -> {
                aware.beforeBatch(batch, toRun);
                return null;
            }, "preparing the batch in " + aware.getClass().getSimpleName());
        }
    }

    private void afterCommit(BatchScope batch) {
        for (BatchAware aware : batchAware) {
            aware.afterCommit(batch);
        }
    }

    /** Counts what became of the events that went through the pipes. */
    private static final class Tally {

        int applied;
        int duplicates;

        /** Counts the outcome of one event, logging a stop that is not a duplicate; true if applied. */
        boolean add(Outcome outcome, ReceivedEvent event) {
            if (outcome instanceof Outcome.Stopped stopped) {
                switch (stopped.reason().code()) {
                    case StopCodes.DUPLICATE -> duplicates++;
                    default -> log.info("consumer.event.stopped event=\"{}\" pipe={} reason={}",
                            event, stopped.pipe(), stopped.reason());
                }
                return false;
            }
            applied++;
            return true;
        }

    }
}
