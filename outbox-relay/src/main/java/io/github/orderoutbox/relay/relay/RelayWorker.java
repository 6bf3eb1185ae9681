package io.github.orderoutbox.relay.relay;

import io.github.orderoutbox.model.retry.Backoff;
import io.github.orderoutbox.relay.config.RelayProperties;
import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import io.github.orderoutbox.relay.observability.RelayMetrics;
import io.github.orderoutbox.relay.outbox.OutboxRepository;
import io.github.orderoutbox.relay.outbox.OutboxRow;
import io.github.orderoutbox.relay.publish.BatchPublisher;
import io.github.orderoutbox.relay.publish.EventRecordMapper;
import io.github.orderoutbox.relay.publish.KafkaTopics;
import io.github.orderoutbox.relay.publish.KafkaUnavailableException;
import io.github.orderoutbox.relay.publish.TopicRouter;
import io.github.orderoutbox.relay.publish.UnpublishableRowException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;

/**
 * One publishing thread. In each cycle it serves the bucket groups {@link BucketGroups} gives it
 * (all of them, or its own, {@code bucket % workers == index}), holding their locks, so no two
 * threads anywhere publish the same order at once. One cycle:
 *
 * <ol>
 *   <li>claim the oldest publishable rows of its buckets, in id order;</li>
 *   <li>send them all, stopping an order at its first row that cannot be sent;</li>
 *   <li>wait for every acknowledgement;</li>
 *   <li>per order, mark the acknowledged prefix published (one statement, by primary key) and
 *       record the first failure on its row; nothing after a failure is marked, so the failed row
 *       is sent again before anything later of its order.</li>
 * </ol>
 */
public class RelayWorker implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RelayWorker.class);

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
    private final Backoff rowBackoff;
    private final Backoff outageBackoff;
    private final PollPacer pacer;

    private volatile boolean running = true;
    private volatile long stopDeadlineNanos = Long.MAX_VALUE;
    private int consecutiveOutages;
    private boolean databaseDown;

    public RelayWorker(int index, BucketGroups groups, RelayProperties properties, LeaseKeeper leases, OutboxRepository outbox, TopicRouter router,
                       KafkaTopics topics, EventRecordMapper mapper, BatchPublisher publisher, RelayMetrics metrics) {
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

    /** Runs one cycle; returns how long to wait before the next, in nanoseconds. */
    long cycle() throws InterruptedException {
        int[] served = groups.acquire(index, properties.pollIntervalMax().toNanos());
        if (served.length == 0) {
            return 0; // a helper that waited for a backlog in vain: ask again
        }
        Lock lock = leases.cycleLock();
        lock.lock();
        try {
            LeaseSnapshot snapshot = leases.snapshot(served, properties.workers());
            if (snapshot.isEmpty()) {
                groups.claimed(index, 0, properties.batchSize()); // nothing held here: nothing to drain
                return properties.pollIntervalMax().toNanos();
            }
            long started = System.nanoTime();
            List<OutboxRow> rows = outbox.claimBatch(snapshot.buckets(), properties.batchSize());
            groups.claimed(index, rows.size(), properties.batchSize());
            if (!rows.isEmpty()) {
                metrics.batch(rows.size());
                boolean kafkaDown = publish(rows, snapshot, started);
                if (kafkaDown) {
                    metrics.kafkaUnavailable();
                    return outageBackoff.delay(consecutiveOutages++).toNanos();
                }
            }
            consecutiveOutages = 0;
            return pacer.nanosToWait(rows.size(), properties.batchSize());
        } finally {
            lock.unlock();
            groups.release(served);
        }
    }

    /** Publishes one claimed batch; returns true when Kafka was unreachable for some of it. */
    private boolean publish(List<OutboxRow> rows, LeaseSnapshot snapshot, long started) throws InterruptedException {
        long claimed = System.nanoTime();
        BatchPublisher.Batch batch = publisher.newBatch(rows.size());
        int[] sendIndex = new int[rows.size()];
        Map<Integer, String> refused = new HashMap<>(); // row position -> why it was not sent
        Set<String> stoppedOrders = new HashSet<>();
        boolean kafkaDown = false;

        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            sendIndex[i] = -1;
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
                if (batch.failedAlready(sendIndex[i])) {
                    stoppedOrders.add(row.aggregateId());
                }
            } catch (UnpublishableRowException e) {
                refused.put(i, e.getMessage());
                stoppedOrders.add(row.aggregateId());
            } catch (KafkaUnavailableException e) {
                kafkaDown = true;
                stoppedOrders.add(row.aggregateId());
            }
        }

        long sent = System.nanoTime();
        boolean allKnown = batch.await(() -> !running && System.nanoTime() - stopDeadlineNanos > 0);
        if (!allKnown) {
            log.warn("relay.shutdown.unacknowledged worker={} effect=\"unacknowledged rows stay unpublished and are sent again\"", index);
        }
        long acknowledged = System.nanoTime();
        boolean kafkaFailed = settle(rows, sendIndex, refused, batch, snapshot);
        metrics.cycle(started, claimed, sent, acknowledged, System.nanoTime());
        return kafkaFailed || kafkaDown;
    }

    /** Marks, per order, the acknowledged prefix and records the first failure. Returns true if Kafka was unreachable. */
    private boolean settle(List<OutboxRow> rows, int[] sendIndex, Map<Integer, String> refused, BatchPublisher.Batch batch,
                           LeaseSnapshot snapshot) {
        List<OutboxRow> acknowledged = new ArrayList<>(rows.size());
        Map<String, Failure> failedOrders = new HashMap<>();
        boolean kafkaDown = false;

        for (int i = 0; i < rows.size(); i++) {
            OutboxRow row = rows.get(i);
            Failure earlier = failedOrders.get(row.aggregateId());
            if (sendIndex[i] < 0) {
                String reason = refused.get(i);
                if (reason != null && earlier == null) {
                    failedOrders.put(row.aggregateId(), new Failure(row, reason, false));
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
                boolean transientError = error instanceof RetriableException || error instanceof KafkaUnavailableException;
                failedOrders.put(row.aggregateId(), new Failure(row, describe(error), transientError));
                kafkaDown |= transientError;
            }
        }

        if (!acknowledged.isEmpty()) {
            long[] ids = acknowledged.stream().mapToLong(OutboxRow::id).toArray();
            int marked = properties.retention().isZero() ? outbox.deletePublished(ids, snapshot) : outbox.markPublished(ids, snapshot);
            long now = System.currentTimeMillis();
            if (marked < ids.length) {
                metrics.fenced(ids.length - marked);
                log.warn("relay.fenced worker={} rows={} reason=\"lease taken over while the batch was in flight; the new holder republishes them\"",
                        index, ids.length - marked);
            }
            metrics.published(marked);
            for (OutboxRow row : acknowledged) {
                metrics.commitToAck(now - row.createdAt().toEpochMilli());
            }
        }
        for (Failure failure : failedOrders.values()) {
            if (failure == Failure.NOT_SENT) {
                continue;
            }
            if (failure.transientError()) {
                topics.forget(router.topicFor(failure.row().aggregateType()).orElse(""));
                continue; // Kafka was unreachable: the worker backs off, the row keeps its attempts
            }
            recordFailure(failure.row(), failure.reason(), snapshot);
        }
        if (kafkaDown) {
            log.warn("relay.kafka.unavailable worker={} error=\"{}\"", index, failedOrders.values().stream()
                    .filter(Failure::transientError).map(Failure::reason).findFirst().orElse("unknown"));
        }
        return kafkaDown;
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

    /** The first failed row of an order in a batch. */
    private record Failure(OutboxRow row, String reason, boolean transientError) {
        /** The order was stopped before this row was sent (lease lost, Kafka down, earlier failure). */
        static final Failure NOT_SENT = new Failure(null, null, false);
    }
}
