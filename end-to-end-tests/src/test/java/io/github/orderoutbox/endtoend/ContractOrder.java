package io.github.orderoutbox.endtoend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One {@code OrderPlaced} event, version 2, of a new order, appended to the outbox exactly as
 * docs/outbox-contract.md tells an orders service to: the contract's INSERT, run by a user that
 * needs nothing but role {@code outbox_writer}. The payload is the README's example with ids of its
 * own.
 *
 * @param eventId the writer's UUID for the event ({@code ce_id})
 * @param orderId the order, the Kafka key ({@code ce_subject})
 * @param payload the event body as JSON text
 */
record ContractOrder(UUID eventId, String orderId, String customerId, String payload) {

    static final String EVENT_TYPE = "OrderPlaced";
    static final int EVENT_VERSION = 2;

    /** The INSERT of docs/outbox-contract.md, word for word. */
    static final String INSERT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb);
            """;

    /** A new order of one line: two of SKU-1 at 4.50 EUR. */
    static ContractOrder placed() {
        String orderId = "order-" + UUID.randomUUID();
        String customerId = "customer-" + UUID.randomUUID().toString().substring(0, 8);
        String payload = """
                {"order_id": "%s", "customer_id": "%s",
                 "lines": [{"line_id": "1", "sku": "SKU-1", "quantity": 2,
                   "unit_price": {"amount": "4.50", "currency": "EUR"}, "line_total": {"amount": "9.00", "currency": "EUR"}}],
                 "total": {"amount": "9.00", "currency": "EUR"}, "placed_at": "2026-11-28T10:00:00Z"}
                """.formatted(orderId, customerId);
        return new ContractOrder(UUID.randomUUID(), orderId, customerId, payload);
    }

    /**
     * Appends the event in a transaction of its own. The contract's lock on the order row is left
     * out: there is no orders table here, and no other transaction writes this order.
     */
    void append(DataSource writer) throws SQLException {
        try (Connection connection = writer.getConnection();
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            connection.setAutoCommit(false);
            insert.setObject(1, eventId);
            insert.setString(2, orderId);
            insert.setString(3, EVENT_TYPE);
            insert.setInt(4, EVENT_VERSION);
            insert.setString(5, payload);
            insert.setString(6, null);
            insert.executeUpdate();
            connection.commit();
        }
    }
}
