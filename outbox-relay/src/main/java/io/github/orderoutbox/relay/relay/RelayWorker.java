package io.github.orderoutbox.relay.relay;

import io.github.orderoutbox.model.retry.Backoff;
import io.github.orderoutbox.relay.config.RelayProperties;
import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import io.github.orderoutbox.relay.observability.PublishingOutages;
import io.github.orderoutbox.relay.observability.RelayMetrics;
import io.github.orderoutbox.relay.outbox.OutboxRepository;
import io.github.orderoutbox.relay.outbox.OutboxRow;
import io.github.orderoutbox.relay.publish.BatchPublisher;
import io.github.orderoutbox.relay.publish.EventRecordMapper;
import io.github.orderoutbox.relay.publish.KafkaTopics;
import io.github.orderoutbox.relay.publish.KafkaUnavailableException;
import io.github.orderoutbox.relay.publish.SendFailure;
import io.github.orderoutbox.relay.publish.TopicRouter;
import io.github.orderoutbox.relay.publish.UnpublishableRowException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * One publishing thread. In each cycle it serves the bucket groups {@link BucketGroups} gives it
 * (all of them, or its own, {@code bucket % workers == index}), holding their locks, so no two
 * threads anywhere publish the same order at once. One round:
 *
 * <ol>
 *   <li>claim the oldest publishable rows of its buckets, in id order;</li>
 *   <li>send them all, stopping an order at its first row that cannot be sent;</li>
 *   <li>wait for every acknowledgement;</li>
 *   <li>per order, delete (or mark) the acknowledged prefix, by primary key, and record the first
 *       failure on its row; nothing after a failure is settled, so the failed row is sent again
 *       before anything later of its order.</li>
 * </ol>
 *
 * <p>A failure is the row's only when it belongs to the record (see {@link SendFailure}). When Kafka
 * is unreachable or refuses the relay (authentication, authorisation, a fenced or closed producer)
 * no row is blamed: the round stops sending at the first sign of it, the worker backs off (up to
 * {@code relay.outage-backoff-max}) with its locks released, the outage is reported to
 * {@link PublishingOutages}, and a producer in a fatal state is replaced.
 *
 * <p>Under a steady load a cycle keeps its locks through the short waits between rounds (see
 * {@link #mayHoldThrough}) and overlaps each round's last two steps with the wait: the
 * acknowledgements arrive while the worker sleeps, and the acknowledged rows are deleted in the
 * round trip of the next claim, ahead of it. A round is always finished before the next claim,
 * and before the cycle lets its locks go.
 */
public class RelayWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RelayWorker.class);
    /** The longest a cycle keeps its locks through the waits of a steady load. */
    private static final long HOLD_LIMIT_NANOS = 1_000_000_000L;

    private final int index;
    private final BucketGroups groups;
    private final RelayProperties properties;
    private final LeaseKeeper leases;
    private final OutboxRepository outbox;
    private final TopicRouter router;
    private final KafkaTopics topics;
    private final EventRecordMapper mapper;
    private final BatchPublisher publisher;
    private final RelayMetrics metrics;
    private final PublishingOutages outages;
    private final Backoff rowBackoff;
    private final Backoff outageBackoff;
    private final PollPacer pacer;

    private volatile boolean running = true;
    private volatile long stopDeadlineNanos = Long.MAX_VALUE;
    private int consecutiveOutages;
    /** The round sent and not finished yet; null when there is none. */
    private Round inFlight;
    /** This worker's acknowledged rows that are not deleted (or marked) yet; null when there are none. */
    private Acknowledged unsettled;
    private boolean databaseDown;

    public RelayWorker(int index, BucketGroups groups, RelayProperties properties, LeaseKeeper leases, OutboxRepository outbox, TopicRouter router,
                       KafkaTopics topics, EventRecordMapper mapper, BatchPublisher publisher, RelayMetrics metrics,
                       PublishingOutages outages) {
        this.index = index;
        this.groups = groups;
        this.properties = properties;
        this.leases = leases;
        this.outbox = outbox;
        this.router = router;
        this.topics = topics;
        this.mapper = mapper;
        this.publisher = publisher;
        this.metrics = metrics;
        this.outages = outages;
        this.rowBackoff = new Backoff(properties.retryBackoffMin(), properties.retryBackoffMax());
        this.outageBackoff = new Backoff(Duration.ofMillis(100), properties.outageBackoffMax());
        this.pacer = new PollPacer(properties.pollIntervalMin(), properties.pollIntervalMax());
    }

    @Override
    public void run() {
        while (running) {
            long wait;
            try {
                wait = cycle();
                if (databaseDown) {
                    log.info("relay.database.recovered worker={}", index);
                    databaseDown = false;
                }
            } catch (DataAccessException e) {
                if (!databaseDown) {
                    log.warn("relay.database.unavailable worker={} error=\"{}\"", index, e.getMostSpecificCause().getMessage());
                    databaseDown = true;
                }
                wait = outageBackoff.delay(3).toNanos();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("relay.cycle.failed worker={}", index, e);
                wait = outageBackoff.delay(3).toNanos();
            }
            if (wait > 0 && running) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /** Asks the loop to stop after its current cycle, waiting for acknowledgements at most until the deadline. */
    public void stop(long deadlineNanos) {
        stopDeadlineNanos = deadlineNanos;
        running = false;
    }

    /**
     * Runs one cycle of one or more rounds; returns how long to wait before the next, in
     * nanoseconds. A cycle goes on to another round, keeping its locks through the wait, while
     * {@link #mayHoldThrough} allows; the round sent last is finished and settled before the locks go.
     */
    long cycle() throws InterruptedException {
        int[] served = groups.acquire(index, properties.pollIntervalMax().toNanos());
        if (served.length == 0) {
            return 0; // a helper that waited for a backlog in vain: ask again
        }
        Lock lock = leases.cycleLock();
        lock.lock();
        long heldSince = System.nanoTime();
        try {
            while (true) {
                LeaseSnapshot snapshot = leases.snapshot(served, properties.workers());
                if (snapshot.isEmpty()) {
                    groups.claimed(index, 0, properties.batchSize()); // nothing held here: nothing to drain
                    return properties.pollIntervalMax().toNanos();
                }
                Outage before = finishRound(); // the round sent before the wait: its acknowledgements are usually all in
                if (before != null) {
                    return outage(before);
                }
                long started = System.nanoTime();
                List<OutboxRow> rows = claim(snapshot);
                groups.claimed(index, rows.size(), properties.batchSize());
                if (!rows.isEmpty()) {
                    metrics.batch(rows.size());
                    inFlight = send(rows, snapshot, started);
                }
                long wait = pacer.nanosToWait(rows.size(), properties.batchSize());
                boolean holdThrough = inFlight != null && mayHoldThrough(served, wait, heldSince);
                Outage outage = holdThrough ? null : finishRound();
                if (outage != null) {
                    return outage(outage);
                }
                if (!holdThrough) {
                    outages.recovered(index); // its round finished without an outage
                }
                consecutiveOutages = 0;
                if (!holdThrough) {
                    return wait;
                }
                LockSupport.parkNanos(this, wait);
                if (!running) {
                    return 0; // stopping: no new round; the round in flight is finished and settled below
                }
            }
        } finally {
            try {
                finishRound(); // before the locks go: nobody may claim these rows while they are in flight or unsettled
                settleNow();
            } finally {
                lock.unlock();
                groups.release(served);
            }
        }
    }

    /** Backs off after a round that met an outage, releasing the cycle's locks meanwhile. */
    private long outage(Outage outage) {
        metrics.kafkaUnavailable();
        outages.outage(index, outage.kind().name(), outage.error());
        return outageBackoff.delay(consecutiveOutages++).toNanos();
    }

    /**
     * Whether to keep the cycle's locks through a wait, so the round just sent is finished during
     * the wait and its rows are settled with the next claim (one round trip instead of two, and no
     * wake-up for the acknowledgements). Only for the short waits of a steady load, when this
     * worker serves every group (right after a backlog another worker may still hold one, and its
     * rows would wait for this worker's next cycle), and only while nobody else wants the locks: no
     * backlog (other workers then take their groups), no lease release waiting for the cycle lock,
     * and at most {@link #HOLD_LIMIT_NANOS}.
     */
    private boolean mayHoldThrough(int[] served, long waitNanos, long heldSince) {
        return running && waitNanos > 0 && waitNanos <= properties.pollIntervalMin().toNanos()
                && served.length == properties.workers() && !groups.backlog() && !leases.releaseWanted()
                && System.nanoTime() - heldSince < HOLD_LIMIT_NANOS;
    }

    /** Claims the next batch, settling the last round's acknowledged rows in the same round trip. */
    private List<OutboxRow> claim(LeaseSnapshot snapshot) {
        Acknowledged settling = unsettled;
        if (settling == null) {
            return outbox.claimBatch(snapshot.buckets(), properties.batchSize());
        }
        unsettled = null; // a failed round trip is undone whole: its rows are sent again (at least once)
        OutboxRepository.SettledAndClaimed result = outbox.settleAndClaim(settling.ids(), settling.fence(),
                properties.retention().isZero(), snapshot.buckets(), properties.batchSize());
        settled(settling, result.settled());
        return result.claimed();
    }

    /** Deletes (or marks) the acknowledged rows not settled yet, in a statement of their own. */
    private void settleNow() {
        Acknowledged settling = unsettled;
        if (settling == null) {
            return;
        }
        unsettled = null;
        int settled = properties.retention().isZero()
                ? outbox.deletePublished(settling.ids(), settling.fence())
                : outbox.markPublished(settling.ids(), settling.fence());
        settled(settling, settled);
    }

    private void settled(Acknowledged acknowledged, int settled) {
        int fenced = acknowledged.ids().length - settled;
        if (fenced > 0) {
            metrics.fenced(fenced);
            log.warn("relay.fenced worker={} rows={} reason=\"lease taken over while the batch was in flight; the new holder republishes them\"",
                    index, fenced);
        }
        metrics.published(settled);
    }

    /** Sends one claimed batch, without waiting for its acknowledgements. */
    private Round send(List<OutboxRow> rows, LeaseSnapshot snapshot, long started) {
        long claimed = System.nanoTime();
        BatchPublisher.Batch batch = publisher.newBatch(rows.size());
        int[] sendIndex = new int[rows.size()];
        Arrays.fill(sendIndex, -1); // not sent
        Map<Integer, String> refused = new HashMap<>(); // row position -> why it was not sent
        Set<String> stoppedOrders = new HashSet<>();
        Outage outage = null;

        // The round ends at the first sign of an outage: with thousands of pending orders, a topic
        // look-up per order (5 s each while Kafka is down) would hold the cycle's locks for hours.
        for (int i = 0; i < rows.size() && outage == null; i++) {
            OutboxRow row = rows.get(i);
            if (stoppedOrders.contains(row.aggregateId())) {
                continue;
            }
            if (!leases.maySend((short) row.bucket(), snapshot.epochOf(row.bucket()))) {
                stoppedOrders.add(row.aggregateId()); // lease lost or no longer trusted: the next holder sends it
                continue;
            }
            try {
                String topic = router.topicFor(row.aggregateType()).orElseThrow(() -> new UnpublishableRowException(
                        "no topic for aggregate type '" + row.aggregateType() + "' (set relay.topics." + row.aggregateType() + ")"));
                int maxBytes = topics.ensure(topic);
                sendIndex[i] = batch.send(mapper.toRecord(row, topic, maxBytes));
                Throwable failedAtOnce = batch.failedAlready(sendIndex[i]) ? batch.failure(sendIndex[i]) : null;
                if (failedAtOnce != null) {
                    stoppedOrders.add(row.aggregateId());
                    // Failed at once with an outage error: e.g. the topic's metadata could not be had within
                    // max.block.ms (10 s), or the producer is closed; the next order's send would fail alike.
                    SendFailure kind = SendFailure.of(failedAtOnce);
                    if (kind.isOutage()) {
                        outage = new Outage(kind, describe(failedAtOnce));
                    }
                }
            } catch (UnpublishableRowException e) {
                refused.put(i, e.getMessage());
                stoppedOrders.add(row.aggregateId());
            } catch (KafkaUnavailableException e) {
                outage = new Outage(SendFailure.UNAVAILABLE, e.getMessage()); // this row and the rest keep their attempts
            }
        }

        return new Round(rows, snapshot, batch, sendIndex, refused, outage, started, claimed, System.nanoTime());
    }

    /**
     * Waits for the acknowledgements of the round in flight, if any, records its failures and
     * leaves its acknowledged rows to be settled. Returns the outage it met, or null.
     */
    private Outage finishRound() throws InterruptedException {
        Round round = inFlight;
        if (round == null) {
            return null;
        }
        inFlight = null;
        BatchPublisher.Batch batch = round.batch();
        boolean allKnown = batch.await(() -> !running && System.nanoTime() - stopDeadlineNanos > 0);
        if (!allKnown) {
            log.warn("relay.shutdown.unacknowledged worker={} effect=\"unacknowledged rows stay unpublished and are sent again\"", index);
        }
        long resolving = System.nanoTime();
        long acknowledged = allKnown ? Math.max(round.sent(), batch.lastOutcomeNanos()) : resolving;
        Outage outage = resolve(round, System.currentTimeMillis() - (resolving - acknowledged) / 1_000_000);
        // The delete (or mark) goes with the next claim and counts there; here only the failures are recorded.
        metrics.cycle(round.started(), round.claimed(), round.sent(), acknowledged, acknowledged + System.nanoTime() - resolving);
        return outage != null ? outage : round.outage();
    }

    /**
     * Sorts out a finished round: per order, the acknowledged prefix (left in {@link #unsettled} for
     * the next claim or {@link #settleNow}) and the first failure (recorded on its row when it is the
     * row's). Returns the outage the round met, or null; a producer in a fatal state is replaced.
     */
    private Outage resolve(Round round, long acknowledgedAtMillis) {
        List<OutboxRow> rows = round.rows();
        int[] sendIndex = round.sendIndex();
        BatchPublisher.Batch batch = round.batch();
        LeaseSnapshot snapshot = round.snapshot();
        List<OutboxRow> acknowledged = new ArrayList<>(rows.size());
        Map<String, Failure> failedOrders = new HashMap<>();
        Outage outage = null;

        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            Failure earlier = failedOrders.get(row.aggregateId());
            if (sendIndex[i] < 0) {
                String reason = round.refused().get(i);
                if (reason != null && earlier == null) {
                    failedOrders.put(row.aggregateId(), new Failure(row, reason, SendFailure.ROW));
                } else if (earlier == null) {
                    failedOrders.put(row.aggregateId(), Failure.NOT_SENT);
                }
                continue;
            }
            Throwable error = batch.failure(sendIndex[i]);
            if (earlier != null) {
                if (error == null) {
                    // Acknowledged behind a failed event of its order: it will be sent again after that one.
                    metrics.orderViolation();
                    log.error("relay.order.violation event_id={} order_id={} position={} reason=\"acknowledged after an earlier event of its order failed; it is republished after that event\"",
                            row.eventId(), row.aggregateId(), row.id());
                }
                continue;
            }
            if (error == null) {
                acknowledged.add(row);
            } else {
                SendFailure kind = SendFailure.of(error);
                failedOrders.put(row.aggregateId(), new Failure(row, describe(error), kind));
                if (kind.isOutage() && (outage == null || kind.replacesProducer() && !outage.kind().replacesProducer())) {
                    outage = new Outage(kind, describe(error));
                }
            }
        }

        if (!acknowledged.isEmpty()) {
            for (OutboxRow row : acknowledged) {
                metrics.commitToAck(acknowledgedAtMillis - row.createdAt().toEpochMilli());
            }
            // Deleted (or marked) with the next claim, or before this cycle lets its locks go.
            unsettled = new Acknowledged(acknowledged.stream().mapToLong(OutboxRow::id).toArray(), snapshot);
        }
        for (Failure failure : failedOrders.values()) {
            if (failure == Failure.NOT_SENT) {
                continue;
            }
            if (failure.kind() == SendFailure.UNAVAILABLE) {
                topics.forget(router.topicFor(failure.row().aggregateType()).orElse(""));
            }
            if (failure.kind().isOutage()) {
                continue; // not the row's fault: the worker backs off, the row keeps its attempts
            }
            recordFailure(failure.row(), failure.reason(), snapshot);
        }
        if (outage != null) {
            log.warn("relay.kafka.unavailable worker={} kind={} error=\"{}\"", index, outage.kind(), outage.error());
            if (outage.kind().replacesProducer()) {
                publisher.replaceProducer(batch, outage.error());
            }
        }
        return outage;
    }

    private void recordFailure(OutboxRow row, String reason, LeaseSnapshot snapshot) {
        Duration retryIn = rowBackoff.delay(row.attempts());
        metrics.rowFailed();
        switch (outbox.recordFailure(row, reason, retryIn, properties.maxAttempts(), snapshot)) {
            case RETRY_SCHEDULED -> log.warn("relay.row.failed event_id={} order_id={} position={} attempt={} retry_in_ms={} error=\"{}\"",
                    row.eventId(), row.aggregateId(), row.id(), row.attempts() + 1, retryIn.toMillis(), reason);
            case PARKED -> {
                metrics.parked();
                log.error("relay.row.parked event_id={} order_id={} position={} attempts={} error=\"{}\" effect=\"this and later events of the order wait for an operator\"",
                        row.eventId(), row.aggregateId(), row.id(), row.attempts() + 1, reason);
            }
            case FENCED -> metrics.fenced(1);
        }
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    /**
     * A batch sent to Kafka, with what its settling needs; {@code refused} maps a row's position to why
     * it was not sent, {@code outage} is the outage that ended its sending early, or null.
     */
    private record Round(List<OutboxRow> rows, LeaseSnapshot snapshot, BatchPublisher.Batch batch, int[] sendIndex,
                         Map<Integer, String> refused, Outage outage, long started, long claimed, long sent) {
    }

    /** Why a round could not publish, with the first error that showed it. */
    private record Outage(SendFailure kind, String error) {
    }

    /** Rows Kafka acknowledged, not yet deleted or marked, with the leases they were claimed under (their fence). */
    private record Acknowledged(long[] ids, LeaseSnapshot fence) {
    }

    /** The first failed row of an order in a batch. */
    private record Failure(OutboxRow row, String reason, SendFailure kind) {
        /** The order was stopped before this row was sent (lease lost, Kafka down, earlier failure). */
        static final Failure NOT_SENT = new Failure(null, null, SendFailure.ROW);
    }
}
