package io.github.orderoutbox.model.events;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An order left the warehouse with a carrier: version 1 of {@code OrderShipped}, the newest.
 *
 * @param orderId        the order
 * @param carrier        the carrier's name, e.g. {@code DHL}
 * @param trackingNumber the carrier's tracking number
 * @param shippedAt      when the carrier took the parcel
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrderShipped(String orderId, String carrier, String trackingNumber, Instant shippedAt) implements OrderEvent {

    /** The event type, as in the {@code ce_type} header. */
    public static final String TYPE = "OrderShipped";
    /** The version this record represents, as in the {@code ce_eventversion} header. */
    public static final int VERSION = 1;

    public OrderShipped {
        Invariants.text(orderId, "order_id");
        Invariants.text(carrier, "carrier");
        Invariants.text(trackingNumber, "tracking_number");
        Invariants.present(shippedAt, "shipped_at");
    }
}
