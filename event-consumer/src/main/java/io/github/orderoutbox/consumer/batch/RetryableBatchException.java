package io.github.orderoutbox.consumer.batch;

/**
 * A batch could not be applied for a reason that may pass (a server down, a concurrent apply):
 * nothing of it was committed, and the delivery loop tries it again after a backoff.
 */
public final class RetryableBatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RetryableBatchException(String message, Throwable cause) {
        super(message + ": " + cause, cause);
    }
}
