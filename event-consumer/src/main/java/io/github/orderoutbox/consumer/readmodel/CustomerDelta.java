package io.github.orderoutbox.consumer.readmodel;

import java.math.BigDecimal;

/**
 * What events add to one {@code read_model.customer_summary} row: counts and an amount that are
 * summed over a batch and added to the row in one statement.
 */
public record CustomerDelta(int ordersPlaced, int ordersCancelled, BigDecimal paid) {

    public static final CustomerDelta NONE = new CustomerDelta(0, 0, BigDecimal.ZERO);

    public static CustomerDelta placed() {
        return new CustomerDelta(1, 0, BigDecimal.ZERO);
    }

    public static CustomerDelta cancelled() {
        return new CustomerDelta(0, 1, BigDecimal.ZERO);
    }

    public static CustomerDelta paid(BigDecimal amount) {
        return new CustomerDelta(0, 0, amount);
    }

    public CustomerDelta plus(CustomerDelta other) {
        return new CustomerDelta(ordersPlaced + other.ordersPlaced, ordersCancelled + other.ordersCancelled,
                paid.add(other.paid));
    }

    public boolean isNone() {
        return ordersPlaced == 0 && ordersCancelled == 0 && paid.signum() == 0;
    }
}
