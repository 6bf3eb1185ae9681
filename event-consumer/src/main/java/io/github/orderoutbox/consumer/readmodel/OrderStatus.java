package io.github.orderoutbox.consumer.readmodel;

/** Where an order is in its life, as stored in {@code read_model.order_summary.status}. */
public enum OrderStatus {
    PLACED, PAID, SHIPPED, DELIVERED, CANCELLED;

}
