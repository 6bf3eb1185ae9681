package io.github.orderoutbox.consumer.readmodel;

import io.github.orderoutbox.model.rejection.NonRetryableEventException;
import java.util.UUID;

/**
 * An event whose id was applied before, but at another outbox position: not a redelivery of that
 * event (a redelivery carries the same {@code ce_outboxposition}) but a second event under the same
 * id. It arrives when a writer reuses an event id once its first row was published (the outbox
 * refuses a second unpublished row with the id, not a published one). Skipping it as a duplicate
 * would lose its effect; applying it would record the id twice. A fault of the writer:
 * dead-lettered with the reason code {@value #REASON_CODE} and both positions, its order blocked.
 */
public final class EventIdReusedException extends NonRetryableEventException {

    private static final long serialVersionUID = 1L;

    /** The {@code dlq_reason} of its dead letters. */
    public static final String REASON_CODE = "event-id-reused";

    private final String orderId;
    private final UUID eventId;
    private final long position;
    private final long appliedPosition;

    /**
     * @param position        the event's outbox position ({@code ce_outboxposition})
     * @param appliedPosition the outbox position of the event applied before under the same id
     */
    public EventIdReusedException(String orderId, UUID eventId, String eventType, long position, long appliedPosition) {
        super("order " + orderId + ": event " + eventId + " (" + eventType + ") is at outbox position " + position
                + ", but an event with the same id was applied at position " + appliedPosition
                + "; the writer reused the event id");
        this.orderId = orderId;
        this.eventId = eventId;
        this.position = position;
        this.appliedPosition = appliedPosition;
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

    public long appliedPosition() {
        return appliedPosition;
    }
}
