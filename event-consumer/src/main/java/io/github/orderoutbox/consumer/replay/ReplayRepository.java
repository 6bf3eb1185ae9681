package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.readmodel.ReadModelChanges.CustomerKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The replay's own SQL on the read model: lock, read, delete and snapshot the orders it rebuilds,
 * and set their customers' counters from their orders. Every method runs in the replay's
 * transaction; order ids go in as arrays ({@code = ANY(?)}) of at most {@value #CHUNK} at a time.
 */
final class ReplayRepository {

    private static final int CHUNK = 10_000;

    // Locks the rows of the orders to rebuild in key order before their records are read, so that
    // a consumer running despite --force waits for the replay to finish instead of applying an event
    // the replay would then delete without applying it again.
    private static final String LOCK_STORED_ORDERS = """
            SELECT order_id FROM read_model.order_summary WHERE order_id = ANY(?)
            ORDER BY order_id FOR UPDATE""";

    private static final String RECORDED_EVENTS = """
            SELECT event_id, order_id, event_type, position, topic, partition, kafka_offset
            FROM read_model.applied_event WHERE order_id = ANY(?)""";

    private static final String CUSTOMERS_OF_ORDERS = """
            SELECT DISTINCT customer_id, currency FROM read_model.order_summary WHERE order_id = ANY(?)""";

    // The rows as text without updated_at, to tell which differ after the rebuild.
    private static final String ORDER_ROWS = """
            SELECT order_id, ROW(order_id, customer_id, status, currency, total, item_count, placed_at, paid_at,
                   payment_id, amount_paid, shipped_at, delivered_at, cancelled_at, last_event_id, last_position)::text
            FROM read_model.order_summary WHERE order_id = ANY(?)""";

    private static final String LINE_ROWS = """
            SELECT order_id, line_id, ROW(order_id, line_id, sku, product_name, category, product_known,
                   quantity, unit_price, line_total)::text
            FROM read_model.order_line WHERE order_id = ANY(?)""";

    private static final String CUSTOMER_ROWS = """
            SELECT c.customer_id, c.currency,
                   ROW(c.customer_id, c.currency, c.orders_placed, c.orders_cancelled, c.total_paid)::text
            FROM read_model.customer_summary c
            JOIN unnest(?::text[], ?::text[]) AS k(customer_id, currency)
              ON c.customer_id = k.customer_id AND c.currency = k.currency""";

    private static final String DELETE_RECORDED = "DELETE FROM read_model.applied_event WHERE event_id = ANY(?)";

    // order_line rows go with their order (ON DELETE CASCADE).
    private static final String DELETE_ORDERS = "DELETE FROM read_model.order_summary WHERE order_id = ANY(?)";

    // A customer row is a sum over the customer's orders in that currency: orders_placed counts
    // them, orders_cancelled those cancelled, total_paid adds their amount_paid. Setting it from
    // the orders, rather than subtracting the old contribution of the rebuilt ones, also repairs
    // a counter that was wrong, and cannot go below zero on the way. Rows already right keep their
    // updated_at.
    private static final String SET_CUSTOMERS_FROM_ORDERS = """
            UPDATE read_model.customer_summary AS c SET
                orders_placed = t.placed, orders_cancelled = t.cancelled, total_paid = t.paid, updated_at = now()
            FROM (SELECT k.customer_id, k.currency,
                         count(o.order_id)::int AS placed,
                         (count(o.order_id) FILTER (WHERE o.status = 'CANCELLED'))::int AS cancelled,
                         coalesce(sum(o.amount_paid), 0) AS paid
                  FROM unnest(?::text[], ?::text[]) AS k(customer_id, currency)
                  LEFT JOIN read_model.order_summary o ON o.customer_id = k.customer_id AND o.currency = k.currency
                  GROUP BY k.customer_id, k.currency) AS t
            WHERE c.customer_id = t.customer_id AND c.currency = t.currency
              AND (c.orders_placed, c.orders_cancelled, c.total_paid) IS DISTINCT FROM (t.placed, t.cancelled, t.paid)""";

    private final JdbcTemplate jdbc;

    ReplayRepository(JdbcTemplate jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** Locks the {@code order_summary} rows of these orders and returns the orders that have one. */
    Set<String> lockStoredOrders(Collection<String> orderIds) {
        Set<String> stored = new HashSet<>();
        inChunks(sorted(orderIds), chunk -> jdbc.query(con -> textArray(con, LOCK_STORED_ORDERS, chunk),
                rs -> {
                    stored.add(rs.getString(1));
                }));
        return stored;
    }

    /** The events recorded as applied to these orders. */
    List<RecordedEvent> recordedEvents(Collection<String> orderIds) {
        List<RecordedEvent> events = new ArrayList<>();
        inChunks(List.copyOf(orderIds), chunk -> jdbc.query(con -> textArray(con, RECORDED_EVENTS, chunk),
                rs -> {
                    events.add(new RecordedEvent(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getLong(4), rs.getString(5), rs.getInt(6), rs.getLong(7)));
                }));
        return events;
    }

    /** The customer rows (customer and currency) these orders count in. */
    Set<CustomerKey> customersOf(Collection<String> orderIds) {
        Set<CustomerKey> customers = new HashSet<>();
        inChunks(List.copyOf(orderIds), chunk -> jdbc.query(con -> textArray(con, CUSTOMERS_OF_ORDERS, chunk),
                rs -> {
                    customers.add(new CustomerKey(rs.getString(1), rs.getString(2)));
                }));
        return customers;
    }

    /** The rows of these orders, their lines and these customers, as text keyed by primary key. */
    RowsSnapshot snapshot(Collection<String> orderIds, Collection<CustomerKey> customers) {
        Map<String, String> orders = new HashMap<>();
        Map<LineKey, String> lines = new HashMap<>();
        Map<CustomerKey, String> customerRows = new HashMap<>();
        List<String> ids = List.copyOf(orderIds);
        inChunks(ids, chunk -> jdbc.query(con -> textArray(con, ORDER_ROWS, chunk),
                rs -> {
                    orders.put(rs.getString(1), rs.getString(2));
                }));
        inChunks(ids, chunk -> jdbc.query(con -> textArray(con, LINE_ROWS, chunk),
                rs -> {
                    lines.put(new LineKey(rs.getString(1), rs.getString(2)), rs.getString(3));
                }));
        inChunks(List.copyOf(customers), chunk -> jdbc.query(con -> {
            PreparedStatement statement = con.prepareStatement(CUSTOMER_ROWS);
            statement.setArray(1, con.createArrayOf("text", chunk.stream().map(CustomerKey::customerId).toArray()));
            statement.setArray(2, con.createArrayOf("text", chunk.stream().map(CustomerKey::currency).toArray()));
            return statement;
        }, rs -> {
            customerRows.put(new CustomerKey(rs.getString(1), rs.getString(2)), rs.getString(3));
        }));
        return new RowsSnapshot(orders, lines, customerRows);
    }

    /** Deletes these applied-event records. */
    int deleteRecorded(Collection<UUID> eventIds) {
        int[] deleted = {0};
        inChunks(List.copyOf(eventIds), chunk -> deleted[0] += jdbc.update(con -> {
            PreparedStatement statement = con.prepareStatement(DELETE_RECORDED);
            statement.setArray(1, con.createArrayOf("uuid", chunk.toArray()));
            return statement;
        }));
        return deleted[0];
    }

    /** Deletes these orders and their lines. */
    int deleteOrders(Collection<String> orderIds) {
        int[] deleted = {0};
        inChunks(sorted(orderIds), chunk -> deleted[0] += jdbc.update(con -> textArray(con, DELETE_ORDERS, chunk)));
        return deleted[0];
    }

    /**
     * Sets the counters of these customer rows from the orders they count, in customer order.
     *
     * @return how many rows changed
     */
    int setCustomersFromOrders(Collection<CustomerKey> customers) {
        int[] changed = {0};
        List<CustomerKey> inOrder = customers.stream().sorted().toList();
        inChunks(inOrder, chunk -> changed[0] += jdbc.update(con -> {
            PreparedStatement statement = con.prepareStatement(SET_CUSTOMERS_FROM_ORDERS);
            statement.setArray(1, con.createArrayOf("text", chunk.stream().map(CustomerKey::customerId).toArray()));
            statement.setArray(2, con.createArrayOf("text", chunk.stream().map(CustomerKey::currency).toArray()));
            return statement;
        }));
        return changed[0];
    }

    private static PreparedStatement textArray(Connection con, String sql, List<String> values) throws SQLException {
        PreparedStatement statement = con.prepareStatement(sql);
        statement.setArray(1, con.createArrayOf("text", values.toArray()));
        return statement;
    }

    private static List<String> sorted(Collection<String> values) {
        return values.stream().sorted().toList();
    }

    private static <T> void inChunks(List<T> values, Consumer<List<T>> work) {
        for (int from = 0; from < values.size(); from += CHUNK) {
            work.accept(values.subList(from, Math.min(values.size(), from + CHUNK)));
        }
    }

    /** The key of an {@code order_line} row. */
    record LineKey(String orderId, String lineId) {
    }

    /**
     * Read-model rows as text, keyed by primary key.
     *
     * @param orders    {@code order_summary} rows by order id
     * @param lines     {@code order_line} rows
     * @param customers {@code customer_summary} rows
     */
    record RowsSnapshot(Map<String, String> orders, Map<LineKey, String> lines, Map<CustomerKey, String> customers) {

        /** Which rows differ from {@code before} (changed, gone or new), per table, and the orders concerned. */
        RowDifferences differencesFrom(RowsSnapshot before) {
            Set<String> orderRows = differing(before.orders, orders);
            Set<LineKey> lineRows = differing(before.lines, lines);
            Set<String> orderIds = new TreeSet<>(orderRows);
            lineRows.forEach(line -> orderIds.add(line.orderId()));
            return new RowDifferences(orderRows.size(), lineRows.size(), differing(before.customers, customers).size(),
                    List.copyOf(orderIds));
        }

        private static <K> Set<K> differing(Map<K, String> before, Map<K, String> after) {
            Set<K> keys = new HashSet<>(before.keySet());
            keys.addAll(after.keySet());
            keys.removeIf(key -> Objects.equals(before.get(key), after.get(key)));
            return keys;
        }
    }

    /**
     * @param orders    order rows that differ
     * @param lines     line rows that differ
     * @param customers customer rows that differ
     * @param orderIds  the orders whose row or lines differ, sorted
     */
    record RowDifferences(int orders, int lines, int customers, List<String> orderIds) {
    }
}
