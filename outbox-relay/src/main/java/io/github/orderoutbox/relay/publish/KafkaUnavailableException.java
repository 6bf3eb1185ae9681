package io.github.orderoutbox.relay.publish;

/** Kafka cannot be reached or answered with a retriable error: the whole worker backs off, no row is blamed. */
public class KafkaUnavailableException extends Exception {

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
