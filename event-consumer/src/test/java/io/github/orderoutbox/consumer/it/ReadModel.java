package io.github.orderoutbox.consumer.it;

import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** The read model as text, row by row in key order, for comparing whole states. */
final class ReadModel {

    private ReadModel() {
    }

    /** Every row of order_summary, order_line and customer_summary, without the updated_at columns. */
    static List<String> snapshot(JdbcTemplate jdbc) {
        List<String> rows = new java.util.ArrayList<>();
        rows.addAll(jdbc.queryForList("""
                SELECT concat_ws('|', 'order', order_id, customer_id, status, currency, total, item_count, placed_at,
                       paid_at, payment_id, amount_paid, shipped_at, delivered_at, cancelled_at, last_event_id, last_position)
                FROM read_model.order_summary ORDER BY order_id""", String.class));
        rows.addAll(jdbc.queryForList("""
                SELECT concat_ws('|', 'line', order_id, line_id, sku, product_name, category, product_known, quantity,
                       unit_price, line_total)
                FROM read_model.order_line ORDER BY order_id, line_id""", String.class));
        rows.addAll(jdbc.queryForList("""
                SELECT concat_ws('|', 'customer', customer_id, currency, orders_placed, orders_cancelled, total_paid)
                FROM read_model.customer_summary ORDER BY customer_id, currency""", String.class));
        return rows;
    }
}
