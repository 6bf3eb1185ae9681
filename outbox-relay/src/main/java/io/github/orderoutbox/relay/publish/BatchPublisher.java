package io.github.orderoutbox.relay.publish;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends the records of one batch without waiting between them, then waits for every
 * acknowledgement. With the idempotent producer ({@code enable.idempotence=true}, {@code acks=all},
 * at most 5 requests in flight) the records of one partition land in send order, retries included.
 */
public class BatchPublisher {

    private static final Object ACKNOWLEDGED = new Object();
    private static final Throwable NO_ANSWER =
            new KafkaUnavailableException("no acknowledgement before the relay gave up waiting", null);

    private final RelayProducer producers;

    public BatchPublisher(RelayProducer producers) {
        this.producers = producers;
    }

    /** A batch sent through the current producer. */
    public Batch newBatch(int capacity) {
        return new Batch(producers.current(), capacity);
    }

    /** Replaces the producer the batch was sent through, after it showed a fatal state (unless already replaced). */
    public void replaceProducer(Batch batch, String reason) {
        producers.replace(batch.producer, reason);
    }

    /** The sends of one batch and their outcomes, by send index. */
    public final class Batch {
        private final Producer<byte[], byte[]> producer;
        private final AtomicReferenceArray<Object> outcomes;
        private final CountDownLatch pending;
        private final int capacity;
        private int sent;
        private volatile long lastOutcomeNanos;

        private Batch(Producer<byte[], byte[]> producer, int capacity) {
            this.producer = producer;
            this.capacity = capacity;
            this.outcomes = new AtomicReferenceArray<>(capacity);
            this.pending = new CountDownLatch(capacity);
        }

        /**
         * Sends one record and returns its index. A failure Kafka reports at once (inside
         * {@code send}) is already visible through {@link #failure} when this returns.
         */
        public int send(ProducerRecord<byte[], byte[]> record) {
            int index = sent++;
            try {
                producer.send(record, (metadata, exception) -> settle(index, exception == null ? ACKNOWLEDGED : exception));
            } catch (RuntimeException e) {
                settle(index, e); // no callback follows a send that threw
            }
            return index;
        }

        private void settle(int index, Object outcome) {
            if (outcomes.compareAndSet(index, null, outcome)) {
                lastOutcomeNanos = System.nanoTime();
                pending.countDown();
            }
        }

        /** The {@link System#nanoTime()} at which the latest outcome arrived (the last acknowledgement, once all are known); 0 before any. */
        public long lastOutcomeNanos() {
            return lastOutcomeNanos;
        }

        /**
         * Waits until every sent record is acknowledged or failed, or until {@code giveUp} says so.
         *
         * @return true when every outcome is known
         */
        public boolean await(BooleanSupplier giveUp) throws InterruptedException {
            for (int unused = capacity - sent; unused > 0; unused--) {
                pending.countDown(); // capacity not used by this batch
            }
            while (!pending.await(20, TimeUnit.MILLISECONDS)) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
            }
            return true;
        }

        /** Null once record {@code index} is acknowledged; its error if it failed or is still unanswered. */
        public Throwable failure(int index) {
            Object outcome = outcomes.get(index);
            if (outcome == ACKNOWLEDGED) {
                return null;
            }
            return outcome == null ? NO_ANSWER : (Throwable) outcome;
        }

        /** Whether record {@code index} has already failed (so no later record of its order may follow). */
        public boolean failedAlready(int index) {
            Object outcome = outcomes.get(index);
            return outcome != null && outcome != ACKNOWLEDGED;
        }
    }
}
