package io.github.orderoutbox.model.events;

/** An event in the life of one order; every event names its order, which is also the Kafka record key. */
public sealed interface OrderEvent permits OrderPlaced, OrderPaid, OrderShipped, OrderDelivered, OrderCancelled {

    /** The order the event belongs to. */
    String orderId();
}
