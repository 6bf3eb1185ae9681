package io.github.orderoutbox.consumer.readmodel;

/**
 * Someone else changed what a batch relied on between its reads and its write: some of its events
 * were recorded as applied, as when a partition moves to another consumer during a rebalance, or
 * one of its blocked orders was released by a redrive. Nothing of the
 * batch may be committed; trying the batch again finds those events applied and skips them.
 */
public final class ConcurrentApplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConcurrentApplyException(int events) {
        super(events + " event(s) of the batch were applied concurrently by another consumer; the batch is retried");
    }

    /** Another change of the read model overtook the batch in some other way, e.g. a redrive released one of its orders. */
    public ConcurrentApplyException(String message, Throwable cause) {
        super(message + "; the batch is retried", cause);
    }
}
