package io.github.orderoutbox.consumer.catalog;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The product catalogue as the consumer sees it: {@code catalog.product} behind a bounded cache
 * whose entries expire, so a renamed product shows up within the expiry. Skus missing from the
 * table are cached as missing too, so an unknown sku costs one query per expiry, not one per event.
 * The skus of an event are looked up together: one query for all of its misses.
 */
public final class Catalog {

    private static final String FIND = "SELECT sku, name, category FROM catalog.product WHERE sku = ANY(?)";

    private final LoadingCache<String, Optional<Product>> cache;

    public Catalog(JdbcTemplate jdbc, Duration expiry, long maximumSize) {
        Objects.requireNonNull(jdbc, "jdbc");
        this.cache = Caffeine.newBuilder()
                .expireAfterWrite(expiry)
                .maximumSize(maximumSize)
                .recordStats()
                .build(new com.github.benmanes.caffeine.cache.CacheLoader<>() {
                    @Override
                    public Optional<Product> load(String sku) {
                        return loadAll(Set.of(sku)).get(sku);
                    }

                    @Override
                    public Map<String, Optional<Product>> loadAll(Set<? extends String> skus) {
                        return find(jdbc, skus);
                    }
                });
    }

    /** The products of these skus; a sku the catalogue does not have maps to empty. */
    public Map<String, Optional<Product>> products(Collection<String> skus) {
        return cache.getAll(skus);
    }

    /** The cache, for its statistics. */
    public com.github.benmanes.caffeine.cache.Cache<String, Optional<Product>> cache() {
        return cache;
    }

    private static Map<String, Optional<Product>> find(JdbcTemplate jdbc, Set<? extends String> skus) {
        Map<String, Optional<Product>> found = new HashMap<>();
        for (String sku : skus) {
            found.put(sku, Optional.empty());
        }
        List<Product> products = jdbc.query(con -> {
            var statement = con.prepareStatement(FIND);
            statement.setArray(1, con.createArrayOf("text", skus.toArray(String[]::new)));
            return statement;
        }, (rs, row) -> new Product(rs.getString(1), rs.getString(2), rs.getString(3)));
        for (Product product : products) {
            found.put(product.sku(), Optional.of(product));
        }
        return found;
    }
}
