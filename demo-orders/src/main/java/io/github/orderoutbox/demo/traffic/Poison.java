package io.github.orderoutbox.demo.traffic;

import java.util.UUID;

/**
 * A poison written on demand: an order whose OrderDelivered (the higher outbox id) committed before
 * its OrderShipped (the lower one), because the delivery skipped the order-row lock.
 *
 * @param orderId         the order
 * @param eventId         OrderDelivered's id: the event the consumer dead-letters
 * @param shippedEventId  OrderShipped's id: the event the consumer parks behind it
 */
public record Poison(String orderId, UUID eventId, UUID shippedEventId) {
}
