package io.github.orderoutbox.model.events;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A customer placed an order: version 2 of {@code OrderPlaced}, the newest.
 *
 * <p>Why version 2 differs from version 1 ({@code currency} once per order, {@code items} of
 * {@code {sku, quantity, unit_price}}): every consumer needs the order's total, and in v1 each had
 * to compute it from the lines, with its own rounding and its own idea of which currency a bare
 * {@code "12.50"} is in. Version 2 therefore carries
 * <ul>
 *   <li>money as {@link Money} ({@code {amount, currency}}), so no amount is read without its currency;</li>
 *   <li>each line's total and the order's {@code total}, computed once by the producer;</li>
 *   <li>{@code lines} with a {@code line_id}, so later events can refer to one line.</li>
 * </ul>
 * Version 1 payloads are turned into this shape by the upcaster {@code OrderPlacedV1ToV2} before
 * any domain code runs; there is deliberately no Java type for v1, so nothing else can depend on it.
 *
 * <p>The record checks what a schema cannot: line ids are unique, every amount is in the currency
 * of {@code total}, each line total is its unit price times its quantity and {@code total} is the
 * sum of the line totals.
 *
 * @param orderId    the order
 * @param customerId the customer who placed it
 * @param lines      at least one
 * @param total      the sum of the line totals, in the order's currency
 * @param placedAt   when the order was placed
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrderPlaced(String orderId, String customerId, List<OrderLine> lines, Money total, Instant placedAt)
        implements OrderEvent {

    /** The event type, as in the {@code ce_type} header. */
    public static final String TYPE = "OrderPlaced";
    /** The version this record represents, as in the {@code ce_eventversion} header. */
    public static final int VERSION = 2;

    public OrderPlaced {
        Invariants.text(orderId, "order_id");
        Invariants.text(customerId, "customer_id");
        Invariants.present(lines, "lines");
        Invariants.present(total, "total");
        Invariants.present(placedAt, "placed_at");
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("lines must hold at least one line");
        }
        Set<String> lineIds = new HashSet<>();
        Money sum = new Money(BigDecimal.ZERO, total.currency());
        for (OrderLine line : lines) {
            if (!lineIds.add(line.lineId())) {
                throw new IllegalArgumentException("line_id " + line.lineId() + " appears twice");
            }
            if (!line.unitPrice().currency().equals(total.currency())) {
                throw new IllegalArgumentException("line " + line.lineId() + " is in " + line.unitPrice().currency()
                        + " but the order total is in " + total.currency());
            }
            sum = sum.plus(line.lineTotal());
        }
        if (!sum.equals(total)) {
            throw new IllegalArgumentException("total " + total.amount() + " is not the sum of the line totals " + sum.amount());
        }
    }

    /** An order whose total is computed from its lines, in the currency of the first line. */
    public static OrderPlaced of(String orderId, String customerId, List<OrderLine> lines, Instant placedAt) {
        Invariants.present(lines, "lines");
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("lines must hold at least one line");
        }
        Money total = new Money(BigDecimal.ZERO, lines.get(0).unitPrice().currency());
        for (OrderLine line : lines) {
            total = total.plus(line.lineTotal());
        }
        return new OrderPlaced(orderId, customerId, lines, total, placedAt);
    }

    /** The order's currency, the one every amount in it is in. */
    public String currency() {
        return total.currency();
    }

    /** How many units the order holds over all its lines. */
    public int itemCount() {
        return lines.stream().mapToInt(OrderLine::quantity).sum();
    }
}
