package io.github.orderoutbox.consumer.readmodel;

import java.math.BigDecimal;

/**
 * A row of {@code read_model.order_line}: one line of a placed order with what the catalogue says
 * about its product. {@code productName} and {@code category} are both null when the sku was
 * unknown to the catalogue.
 */
public record LineRow(String orderId, String lineId, String sku, String productName, String category,
                      int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {

    public boolean productKnown() {
        return productName != null;
    }
}
