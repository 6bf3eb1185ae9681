package io.github.orderoutbox.relay.publish;

import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * What a failed send says about its cause: a fault of the row, to be counted against it and parked
 * at last, or an outage of the relay's way into Kafka, which no row can help and which must not
 * park them all. Only a failure that belongs to the record itself is the row's: too large, a topic
 * name Kafka refuses, headers it cannot take.
 */
public enum SendFailure {

    /** The record cannot be published as it is: counted against the row, retried with backoff, parked at last. */
    ROW,
    /** Kafka is unreachable or answered with a retriable error: the worker backs off and sends the rows again. */
    UNAVAILABLE,
    /**
     * Kafka refuses the relay: authentication or authorisation failed, or the cluster does not speak
     * the producer's protocol version. An outage until an operator fixes it: back off, alert.
     */
    REFUSED,
    /** The producer is fenced, lost its sequence, or is closed: no send through it can succeed again. */
    PRODUCER_FATAL;

    /**
     * Classifies a send's error, looking through its causes: a producer in a fatal state fails
     * sends with a {@code KafkaException} whose cause is the error that put it there.
     */
    public static SendFailure of(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ProducerFencedException || cause instanceof OutOfOrderSequenceException
                    || cause instanceof InvalidProducerEpochException || cause instanceof UnknownProducerIdException
                    || cause instanceof IllegalStateException) { // IllegalStateException: the producer is closed
                return PRODUCER_FATAL;
            }
            if (cause instanceof AuthenticationException || cause instanceof AuthorizationException
                    || cause instanceof UnsupportedVersionException) {
                return REFUSED;
            }
        }
        return error instanceof RetriableException || error instanceof KafkaUnavailableException ? UNAVAILABLE : ROW;
    }

    /** Whether the failure is an outage: nothing is counted against the row, the worker backs off. */
    public boolean isOutage() {
        return this != ROW;
    }

    /**
     * Whether the producer is to be replaced. A refusal may have left it in a fatal state too (an
     * idempotent producer refused its producer id fails every later send with that refusal) and the
     * error does not tell; a new producer costs one connection per outage round, at the outage backoff.
     */
    public boolean replacesProducer() {
        return this == REFUSED || this == PRODUCER_FATAL;
    }
}
