package io.github.orderoutbox.demo.traffic;

/** One change in the life of a placed order, each written as one transaction with its event. */
public enum Step {
    /** Paid in full, in the order's currency. */
    PAY,
    /** Paid in another currency than the order's: the poison event, which the consumer dead-letters. */
    PAY_IN_WRONG_CURRENCY,
    SHIP,
    DELIVER,
    /** Cancelled by the customer before it was paid. */
    CANCEL_BY_CUSTOMER,
    /** Cancelled by the shop after payment, before shipping. */
    CANCEL_OUT_OF_STOCK
}
