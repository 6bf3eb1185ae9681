package io.github.orderoutbox.demo.traffic;

import java.math.BigDecimal;

/** A product the demo sells: its sku, as the consumer's catalogue knows it, and its price in euros. */
public record Product(String sku, String name, String category, BigDecimal priceInEuros) {
}
