package io.github.orderoutbox.relay.publish;

import java.time.Duration;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's producer, shared by its workers, and replaced by a new one when a send shows it is in
 * a fatal state (fenced, sequence lost, closed, or refused by the cluster): a Kafka producer never
 * leaves that state, so without a new one the relay could not publish again until restarted.
 */
public class RelayProducer {

    private static final Logger log = LoggerFactory.getLogger(RelayProducer.class);

    private final ProducerFactory factory;
    private final Function<Producer<byte[], byte[]>, AutoCloseable> instrument;
    private Producer<byte[], byte[]> current;
    private AutoCloseable instruments;
    private int replaced;

    /**
     * @param factory    creates a producer with the relay's settings
     * @param instrument binds a new producer's meters; what it returns is closed with the producer
     */
    public RelayProducer(ProducerFactory factory, Function<Producer<byte[], byte[]>, AutoCloseable> instrument) {
        this.factory = factory;
        this.instrument = instrument;
        this.current = factory.create();
        this.instruments = instrument.apply(current);
    }

    /** The producer to send a batch with. */
    public synchronized Producer<byte[], byte[]> current() {
        return current;
    }

    /**
     * Replaces {@code failed} with a new producer, unless another worker has already. The failed one
     * is closed without waiting: its unanswered sends fail, and their rows are sent again.
     */
    public synchronized void replace(Producer<byte[], byte[]> failed, String reason) {
        if (failed != current) {
            return;
        }
        closeQuietly(Duration.ZERO);
        current = factory.create();
        instruments = instrument.apply(current);
        replaced++;
        log.warn("relay.producer.replaced count={} reason=\"{}\"", replaced, reason);
    }

    /** How many times the producer was replaced. */
    public synchronized int replacements() {
        return replaced;
    }

    /** Closes the producer, waiting up to {@code timeout} for its unsent records. */
    public synchronized void close(Duration timeout) {
        closeQuietly(timeout);
    }

    private void closeQuietly(Duration timeout) {
        try {
            instruments.close();
        } catch (Exception e) {
            log.debug("relay.producer.instruments.close_failed error=\"{}\"", e.toString());
        }
        try {
            current.close(timeout);
        } catch (RuntimeException e) {
            log.debug("relay.producer.close_failed error=\"{}\"", e.toString());
        }
    }
}
