package io.github.orderoutbox.consumer.readmodel;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One row of {@code read_model.order_summary}: an order as of the newest event applied to it.
 * Immutable; applying an event makes a new summary, so a rule violation found half-way leaves
 * nothing changed.
 */
public record OrderSummary(
        String orderId, String customerId, OrderStatus status, String currency, BigDecimal total, int itemCount,
        Instant placedAt, Instant paidAt, String paymentId, BigDecimal amountPaid, Instant shippedAt,
        Instant deliveredAt, Instant cancelledAt, UUID lastEventId, long lastPosition) {

    public OrderSummary {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(placedAt, "placedAt");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }

    /** A newly placed order. */
    public static OrderSummary placed(String orderId, String customerId, String currency, BigDecimal total,
                                      int itemCount, Instant placedAt, UUID eventId, long position) {
        return new OrderSummary(orderId, customerId, OrderStatus.PLACED, currency, total, itemCount, placedAt,
                null, null, null, null, null, null, eventId, position);
    }

    public OrderSummary paid(String paymentId, BigDecimal amount, Instant at, UUID eventId, long position) {
        return new OrderSummary(orderId, customerId, OrderStatus.PAID, currency, total, itemCount, placedAt,
                at, paymentId, amount, shippedAt, deliveredAt, cancelledAt, eventId, position);
    }

    public OrderSummary shipped(Instant at, UUID eventId, long position) {
        return new OrderSummary(orderId, customerId, OrderStatus.SHIPPED, currency, total, itemCount, placedAt,
                paidAt, paymentId, amountPaid, at, deliveredAt, cancelledAt, eventId, position);
    }

    public OrderSummary delivered(Instant at, UUID eventId, long position) {
        return new OrderSummary(orderId, customerId, OrderStatus.DELIVERED, currency, total, itemCount, placedAt,
                paidAt, paymentId, amountPaid, shippedAt, at, cancelledAt, eventId, position);
    }

    public OrderSummary cancelled(Instant at, UUID eventId, long position) {
        return new OrderSummary(orderId, customerId, OrderStatus.CANCELLED, currency, total, itemCount, placedAt,
                paidAt, paymentId, amountPaid, shippedAt, deliveredAt, at, eventId, position);
    }
}
