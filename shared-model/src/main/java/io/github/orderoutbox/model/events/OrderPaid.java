package io.github.orderoutbox.model.events;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.math.BigDecimal;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The customer paid for an order: version 1 of {@code OrderPaid}, the newest.
 *
 * @param orderId   the order
 * @param paymentId the payment provider's id of the payment
 * @param amount    the amount paid, a decimal string such as {@code "37.50"} on the wire, never a float
 * @param currency  ISO 4217 code of {@code amount}
 * @param paidAt    when the payment was confirmed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrderPaid(String orderId, String paymentId, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
                        String currency, Instant paidAt) implements OrderEvent {

    /** The event type, as in the {@code ce_type} header. */
    public static final String TYPE = "OrderPaid";
    /** The version this record represents, as in the {@code ce_eventversion} header. */
    public static final int VERSION = 1;

    public OrderPaid {
        Invariants.text(orderId, "order_id");
        Invariants.text(paymentId, "payment_id");
        amount = Invariants.money(amount, "amount");
        Invariants.currency(currency, "currency");
        Invariants.present(paidAt, "paid_at");
    }
}
