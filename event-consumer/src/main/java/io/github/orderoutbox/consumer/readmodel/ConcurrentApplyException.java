package io.github.orderoutbox.consumer.readmodel;

/**
 * Some events of a batch were recorded as applied by someone else between the batch's check and
 * its write, as when a partition moves to another consumer during a rebalance. Nothing of the
 * batch may be committed; trying the batch again finds those events applied and skips them.
 */
public final class ConcurrentApplyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConcurrentApplyException(int events) {
        super(events + " event(s) of the batch were applied concurrently by another consumer; the batch is retried");
    }
}
