package io.github.orderoutbox.demo.order;

/** Where an order of the demo stands; {@link #DELIVERED} and {@link #CANCELLED} are final. */
public enum OrderStatus {
    PLACED, PAID, SHIPPED, DELIVERED, CANCELLED
}
