package io.github.orderoutbox.consumer.catalog;

import java.util.Map;
import java.util.Optional;

/**
 * What {@code EnrichOrderData} found for the lines of a placed order: the product of each sku, or
 * empty for a sku the catalogue does not know.
 */
public record LineProducts(Map<String, Optional<Product>> bySku) {

    public LineProducts {
        bySku = Map.copyOf(bySku);
    }

    /** The product of a sku of the order, or empty if the catalogue does not know it. */
    public Optional<Product> product(String sku) {
        Optional<Product> product = bySku.get(sku);
        if (product == null) {
            throw new IllegalArgumentException("sku " + sku + " is not a sku of this order");
        }
        return product;
    }
}
