package io.github.orderoutbox.demo.traffic;

/** One change in the life of a placed order, each written as one transaction with its event. */
public enum Step {
    /** Paid in full, in the order's currency. */
    PAY,
    SHIP,
    DELIVER,
    /**
     * The poison: shipped, and delivered by a writer that skips the order-row lock, so OrderDelivered
     * commits before OrderShipped although its outbox id is higher; the consumer dead-letters it.
     */
    SHIP_AND_DELIVER_SKIPPING_THE_LOCK,
    /** After the poison: the delivery recorded on the order row, which the poison's delivery could not lock; no event. */
    RECORD_DELIVERY,
    /** Cancelled by the customer before it was paid. */
    CANCEL_BY_CUSTOMER,
    /** Cancelled by the shop after payment, before shipping. */
    CANCEL_OUT_OF_STOCK
}
