package io.github.orderoutbox.model.upcast;

import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.math.BigDecimal;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upcasts {@code OrderPlaced} from version 1 to version 2 (see {@link OrderPlaced} for why v2 exists).
 *
 * <p>The order's one {@code currency} moves into every amount, each item becomes a line numbered by
 * its position, and the line totals and the order total are computed exactly, in {@link BigDecimal}:
 * <pre>
 * v1: {"order_id": "o-1", "customer_id": "c-7", "currency": "EUR", "placed_at": "2026-03-14T09:26:53Z",
 *      "items": [{"sku": "MUG-01", "quantity": 3, "unit_price": "4.20"}]}
 * v2: {"order_id": "o-1", "customer_id": "c-7",
 *      "lines": [{"line_id": "1", "sku": "MUG-01", "quantity": 3,
 *                 "unit_price": {"amount": "4.20", "currency": "EUR"},
 *                 "line_total": {"amount": "12.60", "currency": "EUR"}}],
 *      "total": {"amount": "12.60", "currency": "EUR"}, "placed_at": "2026-03-14T09:26:53Z"}
 * </pre>
 * Numbering by position makes the step deterministic, so a replay yields the same line ids.
 */
public final class OrderPlacedV1ToV2 implements Upcaster {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    public String eventType() {
        return OrderPlaced.TYPE;
    }

    @Override
    public int fromVersion() {
        return 1;
    }

    @Override
    public JsonNode upcast(JsonNode v1) {
        if (!v1.isObject()) {
            throw invalid("$", "must be an object");
        }
        String currency = text(v1, "currency", "$.currency");
        JsonNode items = v1.get("items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw invalid("$.items", "must be an array of at least one item");
        }

        ArrayNode lines = NODES.arrayNode(items.size());
        BigDecimal total = BigDecimal.ZERO;
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = "$.items[" + i + "]";
            BigDecimal unitPrice = money(item, at);
            JsonNode quantity = item.get("quantity");
            if (quantity == null || !quantity.canConvertToExactIntegral() || !quantity.canConvertToInt()) {
                throw invalid(at + ".quantity", "must be an integer");
            }
            BigDecimal lineTotal = unitPrice.multiply(BigDecimal.valueOf(quantity.intValue()));
            total = total.add(lineTotal);

            ObjectNode line = lines.addObject();
            line.put("line_id", Integer.toString(i + 1));
            line.put("sku", text(item, "sku", at + ".sku"));
            line.put("quantity", quantity.intValue());
            line.set("unit_price", amount(unitPrice, currency));
            line.set("line_total", amount(lineTotal, currency));
        }

        ObjectNode v2 = NODES.objectNode();
        v2.put("order_id", text(v1, "order_id", "$.order_id"));
        v2.put("customer_id", text(v1, "customer_id", "$.customer_id"));
        v2.set("lines", lines);
        v2.set("total", amount(total, currency));
        v2.put("placed_at", text(v1, "placed_at", "$.placed_at"));
        return v2;
    }

    private static BigDecimal money(JsonNode item, String at) {
        String text = text(item, "unit_price", at + ".unit_price");
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw invalid(at + ".unit_price", "must be a decimal string, was '" + text + "'");
        }
    }

    /** A money object; the scale of v1 amounts (two decimals, by schema) carries through multiplication and sums. */
    private static ObjectNode amount(BigDecimal amount, String currency) {
        ObjectNode money = NODES.objectNode();
        money.put("amount", amount.toPlainString());
        money.put("currency", currency);
        return money;
    }

    private static String text(JsonNode parent, String name, String field) {
        JsonNode value = parent.get(name);
        if (value == null || !value.isString()) {
            throw invalid(field, "must be a string");
        }
        return value.stringValue();
    }

    private static InvalidEventException invalid(String field, String problem) {
        return new InvalidEventException("OrderPlaced v1 payload", List.of(new Violation(field, field + ": " + problem)));
    }
}
