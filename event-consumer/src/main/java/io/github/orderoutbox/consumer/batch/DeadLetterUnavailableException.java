package io.github.orderoutbox.consumer.batch;

/** The dead-letter topic did not acknowledge a dead letter in time: an outage, so the batch is retried. */
public final class DeadLetterUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeadLetterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
