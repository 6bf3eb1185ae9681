package io.github.orderoutbox.demo.order;

import io.github.orderoutbox.model.events.Money;

/**
 * An order as read by {@link OrderRepository#lock}: its row is locked until the transaction ends,
 * so nothing else changes it (or appends an event of it) in between.
 */
public record LockedOrder(String orderId, String customerId, OrderStatus status, Money total) {
}
