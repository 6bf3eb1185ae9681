package io.github.orderoutbox.consumer.readmodel;

import io.github.orderoutbox.model.rejection.NonRetryableEventException;
import java.util.UUID;

/**
 * An event whose outbox position is not above the position its order already reflects, and that
 * was never applied (deduplication, which runs first, found no record of it). It is not a
 * duplicate to skip: its effect (a payment, a customer total) would be lost. It arrives when a
 * writer skipped the order-row lock, so a later commit got a lower position, or when the relay
 * republished it after a later event of its order had gone through. A fault of the order's stream:
 * dead-lettered with the reason code {@value #REASON_CODE} and the two positions, its order
 * blocked until a redrive applies the order's events in outbox-position order.
 */
public final class OutOfPositionException extends NonRetryableEventException {

    private static final long serialVersionUID = 1L;

    /** The {@code dlq_reason} of its dead letters. */
    public static final String REASON_CODE = "out-of-position";

    private final String orderId;
    private final UUID eventId;
    private final long position;
    private final long orderPosition;

    /**
     * @param position      the event's outbox position ({@code ce_outboxposition})
     * @param orderPosition the position of the newest event applied to the order
     */
    public OutOfPositionException(String orderId, UUID eventId, String eventType, long position, long orderPosition) {
        super("order " + orderId + ": event " + eventId + " (" + eventType + ") is at outbox position " + position
                + ", but the order already reflects position " + orderPosition + " and the event was never applied");
        this.orderId = orderId;
        this.eventId = eventId;
        this.position = position;
        this.orderPosition = orderPosition;
    }

    public String orderId() {
        return orderId;
    }

    public UUID eventId() {
        return eventId;
    }

    public long position() {
        return position;
    }

    public long orderPosition() {
        return orderPosition;
    }
}
