package io.github.orderoutbox.benchmarks;

/**
 * The rows the side-by-side scenarios insert beyond {@link BenchmarkDatabase}'s backlog: a backlog
 * with hot orders, and published history.
 */
final class SideBySideRows {

    /**
     * The backlog of {@link BenchmarkDatabase#INSERT_BACKLOG} with skewed keys: every fifth event
     * (20 %) belongs to one of 10 hot orders, the rest spread over the other orders. A relay that
     * keeps per-order order must publish each hot order's events one after the other.
     */
    static final String INSERT_SKEWED_BACKLOG = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            SELECT gen_random_uuid(), k.order_id, 'OrderPlaced', 1,
                   jsonb_build_object(
                     'order_id', k.order_id, 'customer_id', 'customer-' || (g % 977), 'currency', 'EUR',
                     'placed_at', '2026-11-28T08:15:30.123Z', 'total', '149.90',
                     'items', jsonb_build_array(
                        jsonb_build_object('sku', 'SKU-' || (g % 5000), 'quantity', 2, 'unit_price', '49.95', 'name', 'Espresso cups, set of two'),
                        jsonb_build_object('sku', 'SKU-' || (g % 3000), 'quantity', 1, 'unit_price', '50.00', 'name', 'Milk frother'))),
                   jsonb_build_object('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
              FROM generate_series(1, ?) AS g,
                   LATERAL (SELECT CASE WHEN g % 5 = 0 THEN 'hot-order-' || (g / 5 % 10)
                                        ELSE 'order-' || (g % ?) END AS order_id) AS k
            """;

    /**
     * Published history in one statement: rows of the backlog's shape, already marked published
     * (within the retention), so the relay's claim has them in the table but not in its index of
     * unpublished rows. Written once, not inserted and then updated.
     */
    static final String INSERT_PUBLISHED_HISTORY = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers, created_at, published_at)
            SELECT gen_random_uuid(), 'order-' || (g % ?), 'OrderPlaced', 1,
                   jsonb_build_object(
                     'order_id', 'order-' || (g % ?), 'customer_id', 'customer-' || (g % 977), 'currency', 'EUR',
                     'placed_at', '2026-11-28T08:15:30.123Z', 'total', '149.90',
                     'items', jsonb_build_array(
                        jsonb_build_object('sku', 'SKU-' || (g % 5000), 'quantity', 2, 'unit_price', '49.95', 'name', 'Espresso cups, set of two'),
                        jsonb_build_object('sku', 'SKU-' || (g % 3000), 'quantity', 1, 'unit_price', '50.00', 'name', 'Milk frother'))),
                   jsonb_build_object('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
                   now() - interval '1 hour', now() - interval '1 hour'
              FROM generate_series(1, ?) AS g
            """;

    private SideBySideRows() {
    }

    static void insertSkewedBacklog(BenchmarkDatabase db, int rows, int orders) {
        db.jdbc.update(INSERT_SKEWED_BACKLOG, rows, orders);
    }

    /** {@code rows} published rows in chunks of a million, then VACUUM ANALYZE, as a table that has lived a while. */
    static void insertPublishedHistory(BenchmarkDatabase db, int rows, int orders) {
        for (int done = 0; done < rows; done += 1_000_000) {
            db.jdbc.update(INSERT_PUBLISHED_HISTORY, orders, orders, Math.min(1_000_000, rows - done));
        }
        db.jdbc.execute("VACUUM ANALYZE outbox");
    }
}
