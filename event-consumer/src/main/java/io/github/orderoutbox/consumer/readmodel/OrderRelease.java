package io.github.orderoutbox.consumer.readmodel;

import java.util.List;
import java.util.Objects;

/**
 * What a redrive removes once an order's events have gone through the pipes again: the order's
 * {@code blocked_order} row as the redrive read it, and the parked records it redrove. Written in
 * the transaction of those events' effects, and only if the rows are still these: a record parked
 * meanwhile, or a block another redrive removed, fails the write ({@link ReleaseConflictException}).
 */
public record OrderRelease(BlockedOrder order, List<ParkedRecord> parked) {

    public OrderRelease {
        Objects.requireNonNull(order, "order");
        parked = List.copyOf(parked);
        for (ParkedRecord record : parked) {
            if (!record.orderId().equals(order.orderId())) {
                throw new IllegalArgumentException("a parked record of order " + record.orderId()
                        + " cannot release order " + order.orderId());
            }
        }
    }

    public String orderId() {
        return order.orderId();
    }
}
