package io.github.orderoutbox.model.events;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An order was cancelled before delivery: version 1 of {@code OrderCancelled}, the newest.
 *
 * @param orderId     the order
 * @param reason      why, in words for people (e.g. {@code "customer request"})
 * @param cancelledAt when it was cancelled
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrderCancelled(String orderId, String reason, Instant cancelledAt) implements OrderEvent {

    /** The event type, as in the {@code ce_type} header. */
    public static final String TYPE = "OrderCancelled";
    /** The version this record represents, as in the {@code ce_eventversion} header. */
    public static final int VERSION = 1;

    public OrderCancelled {
        Invariants.text(orderId, "order_id");
        Invariants.text(reason, "reason");
        Invariants.present(cancelledAt, "cancelled_at");
    }
}
