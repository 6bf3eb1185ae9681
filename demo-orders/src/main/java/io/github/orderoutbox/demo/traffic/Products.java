package io.github.orderoutbox.demo.traffic;

import io.github.orderoutbox.model.events.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * What the demo sells. The skus are the ones {@code deploy/demo-catalog.sql} puts into the
 * consumer's catalogue ({@code catalog.product}), so the read model's lines get names and
 * categories; without it they are recorded with {@code product_known = false}, which is not an
 * error. {@code ProductsTest} keeps this list and that file equal.
 */
public final class Products {

    /** The products, in sku order. */
    public static final List<Product> ALL = List.of(
            product("SKU-1", "Espresso cup", "kitchen", "4.50"),
            product("SKU-2", "Teapot", "kitchen", "24.90"),
            product("SKU-3", "Desk lamp", "office", "39.00"),
            product("SKU-4", "Notebook A5", "office", "6.20"),
            product("SKU-5", "Fountain pen", "office", "18.50"),
            product("SKU-6", "Garden hose 25 m", "garden", "29.95"),
            product("SKU-7", "Pruning shears", "garden", "16.40"),
            product("SKU-8", "Wooden train set", "toys", "34.00"),
            product("SKU-9", "Puzzle, 1000 pieces", "toys", "14.99"),
            product("SKU-10", "Paperback novel", "books", "9.99"),
            product("SKU-11", "Cookbook", "books", "27.50"),
            product("SKU-12", "Chef's knife", "kitchen", "59.00"));

    // Fixed rates, so a customer paying in pounds sees the same price every time.
    private static final Map<String, BigDecimal> EUROS_TO = Map.of(
            "EUR", BigDecimal.ONE,
            "GBP", new BigDecimal("0.86"),
            "USD", new BigDecimal("1.08"));

    private Products() {
    }

    /** The unit price of a product in a currency, rounded to the cent. */
    public static Money price(Product product, String currency) {
        BigDecimal rate = EUROS_TO.get(currency);
        if (rate == null) {
            throw new IllegalArgumentException("no prices in " + currency);
        }
        return new Money(product.priceInEuros().multiply(rate).setScale(2, RoundingMode.HALF_EVEN), currency);
    }

    private static Product product(String sku, String name, String category, String priceInEuros) {
        return new Product(sku, name, category, new BigDecimal(priceInEuros));
    }
}
