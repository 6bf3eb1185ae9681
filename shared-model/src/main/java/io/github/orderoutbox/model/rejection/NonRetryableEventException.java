package io.github.orderoutbox.model.rejection;

/**
 * The common type of every failure that retrying cannot cure, because it lies in the event itself
 * (its bytes, its type, its version, its content), not in a server that may come back. A consumer
 * sends such an event to the dead-letter topic at once; any other exception is retried with backoff.
 */
public abstract class NonRetryableEventException extends RuntimeException {

    protected NonRetryableEventException(String message) {
        super(message);
    }

    protected NonRetryableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
