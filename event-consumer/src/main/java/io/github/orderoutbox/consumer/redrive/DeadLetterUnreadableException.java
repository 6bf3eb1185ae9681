package io.github.orderoutbox.consumer.redrive;

/**
 * A blocked order's dead-letter record cannot be read back: the topic's retention deleted it, or
 * the record there is not a dead letter of this consumer. The order cannot be redriven from it.
 */
public final class DeadLetterUnreadableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeadLetterUnreadableException(String message) {
        super(message);
    }
}
