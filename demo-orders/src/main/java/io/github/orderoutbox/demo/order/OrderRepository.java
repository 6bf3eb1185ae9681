package io.github.orderoutbox.demo.order;

import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderPlaced;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The demo's business tables ({@code demo.customer_order}, {@code demo.order_line}). Every method
 * runs in the caller's transaction; the state changes only run on an order {@link #lock locked}
 * in that transaction, and each refuses (throws) when the order is not in the state it expects.
 */
public final class OrderRepository {

    static final String INSERT_ORDER = """
            INSERT INTO demo.customer_order (order_id, customer_id, status, currency, total, placed_at)
            VALUES (?, ?, 'PLACED', ?, ?, ?)
            """;

    static final String INSERT_LINE = """
            INSERT INTO demo.order_line (order_id, line_id, sku, quantity, unit_price, line_total)
            VALUES (?, ?, ?, ?, ?, ?)
            """;

    // FOR UPDATE, first thing in every transaction that changes an existing order: the outbox
    // contract's ordering rule. A second transaction of the same order waits here until the first
    // has committed, so the ids of one order's outbox rows grow in the order their transactions
    // commit, and the relay publishes them in that order.
    static final String LOCK_ORDER = """
            SELECT order_id, customer_id, status, currency, total
            FROM demo.customer_order
            WHERE order_id = ?
            FOR UPDATE
            """;

    // Each change names the status it leaves, so a change that does not fit (paying a cancelled
    // order) updates nothing and is refused, even if a caller forgot to check the locked row.
    static final String MARK_PAID = """
            UPDATE demo.customer_order
            SET status = 'PAID', payment_id = ?, amount_paid = ?, payment_currency = ?, paid_at = ?, updated_at = now()
            WHERE order_id = ? AND status = 'PLACED'
            """;

    static final String MARK_SHIPPED = """
            UPDATE demo.customer_order
            SET status = 'SHIPPED', carrier = ?, tracking_number = ?, shipped_at = ?, updated_at = now()
            WHERE order_id = ? AND status IN ('PLACED', 'PAID')
            """;

    static final String MARK_DELIVERED = """
            UPDATE demo.customer_order
            SET status = 'DELIVERED', delivered_at = ?, updated_at = now()
            WHERE order_id = ? AND status = 'SHIPPED'
            """;

    static final String MARK_CANCELLED = """
            UPDATE demo.customer_order
            SET status = 'CANCELLED', cancel_reason = ?, cancelled_at = ?, updated_at = now()
            WHERE order_id = ? AND status IN ('PLACED', 'PAID')
            """;

    private final JdbcTemplate jdbc;

    public OrderRepository(JdbcTemplate jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** Inserts a new order and its lines. A new order needs no lock: no one else knows it before the commit. */
    public void insert(OrderPlaced order) {
        jdbc.update(INSERT_ORDER, order.orderId(), order.customerId(), order.currency(), order.total().amount(),
                utc(order.placedAt()));
        jdbc.batchUpdate(INSERT_LINE, order.lines(), order.lines().size(), (statement, line) -> {
            statement.setString(1, order.orderId());
            statement.setString(2, line.lineId());
            statement.setString(3, line.sku());
            statement.setInt(4, line.quantity());
            statement.setBigDecimal(5, line.unitPrice().amount());
            statement.setBigDecimal(6, line.lineTotal().amount());
        });
    }

    /**
     * Locks the order's row until the end of the transaction and returns it.
     *
     * @throws NoSuchElementException when there is no such order
     */
    public LockedOrder lock(String orderId) {
        List<LockedOrder> found = jdbc.query(LOCK_ORDER, (rs, row) -> new LockedOrder(rs.getString("order_id"),
                rs.getString("customer_id"), OrderStatus.valueOf(rs.getString("status")),
                new Money(rs.getBigDecimal("total"), rs.getString("currency"))), orderId);
        if (found.isEmpty()) {
            throw new NoSuchElementException("no order " + orderId);
        }
        return found.get(0);
    }

    public void markPaid(String orderId, String paymentId, Money paid, Instant paidAt) {
        expectOne(jdbc.update(MARK_PAID, paymentId, paid.amount(), paid.currency(), utc(paidAt), orderId), orderId, "paid");
    }

    public void markShipped(String orderId, String carrier, String trackingNumber, Instant shippedAt) {
        expectOne(jdbc.update(MARK_SHIPPED, carrier, trackingNumber, utc(shippedAt), orderId), orderId, "shipped");
    }

    public void markDelivered(String orderId, Instant deliveredAt) {
        expectOne(jdbc.update(MARK_DELIVERED, utc(deliveredAt), orderId), orderId, "delivered");
    }

    public void markCancelled(String orderId, String reason, Instant cancelledAt) {
        expectOne(jdbc.update(MARK_CANCELLED, reason, utc(cancelledAt), orderId), orderId, "cancelled");
    }

    private static void expectOne(int updated, String orderId, String what) {
        if (updated != 1) {
            throw new IllegalStateException("order " + orderId + " cannot be " + what + " in its current state");
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
