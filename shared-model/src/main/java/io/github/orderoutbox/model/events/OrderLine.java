package io.github.orderoutbox.model.events;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One line of an {@link OrderPlaced} v2 event: a quantity of one product at a unit price, with
 * the line's total computed by the producer.
 *
 * @param lineId    unique within its order, so that later events (a partial shipment, a refund)
 *                  can name the line; lines upcast from v1 are numbered {@code "1"}, {@code "2"}, ...
 * @param sku       the product's stock-keeping unit
 * @param quantity  at least 1
 * @param unitPrice the price of one unit
 * @param lineTotal {@code unitPrice} times {@code quantity}, exactly
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record OrderLine(String lineId, String sku, int quantity, Money unitPrice, Money lineTotal) {

    public OrderLine {
        Invariants.text(lineId, "line_id");
        Invariants.text(sku, "sku");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
        }
        Invariants.present(unitPrice, "unit_price");
        Invariants.present(lineTotal, "line_total");
        if (!lineTotal.equals(unitPrice.times(quantity))) {
            throw new IllegalArgumentException("line_total " + lineTotal.amount() + " " + lineTotal.currency()
                    + " of line " + lineId + " is not unit_price times quantity ("
                    + unitPrice.amount() + " " + unitPrice.currency() + " x " + quantity + ")");
        }
    }

    /** A line whose total is computed from its unit price and quantity. */
    public static OrderLine of(String lineId, String sku, int quantity, Money unitPrice) {
        return new OrderLine(lineId, sku, quantity, unitPrice, unitPrice.times(quantity));
    }
}
