package io.github.orderoutbox.consumer.readmodel;

import io.github.orderoutbox.model.rejection.NonRetryableEventException;

/**
 * A valid event that the order's history does not allow, such as shipping a cancelled order or
 * paying an order the read model has never seen. Retrying cannot change the history, so the event
 * is dead-lettered at once and its order blocked until an operator redrives it.
 */
public final class BusinessRuleViolationException extends NonRetryableEventException {

    private static final long serialVersionUID = 1L;

    private final String orderId;

    public BusinessRuleViolationException(String orderId, String message) {
        super("order " + orderId + ": " + message);
        this.orderId = orderId;
    }

    public String orderId() {
        return orderId;
    }
}
