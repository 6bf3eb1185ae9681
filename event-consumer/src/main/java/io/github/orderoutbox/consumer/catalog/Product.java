package io.github.orderoutbox.consumer.catalog;

/** What the catalogue says about one sku ({@code catalog.product}). */
public record Product(String sku, String name, String category) {
}
