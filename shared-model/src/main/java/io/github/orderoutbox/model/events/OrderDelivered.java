package io.github.orderoutbox.model.events;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The carrier delivered an order to the customer: version 1 of {@code OrderDelivered}, the newest.
 *
 * @param orderId     the order
 * @param deliveredAt when the carrier reported the delivery
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrderDelivered(String orderId, Instant deliveredAt) implements OrderEvent {

    /** The event type, as in the {@code ce_type} header. */
    public static final String TYPE = "OrderDelivered";
    /** The version this record represents, as in the {@code ce_eventversion} header. */
    public static final int VERSION = 1;

    public OrderDelivered {
        Invariants.text(orderId, "order_id");
        Invariants.present(deliveredAt, "delivered_at");
    }
}
