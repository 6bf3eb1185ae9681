package io.github.orderoutbox.writer;

import java.sql.Types;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Appends events to the outbox table inside the caller's transaction, so an event is stored if and
 * only if the business change it describes is committed. It runs through a {@link JdbcTemplate},
 * which takes the connection the current Spring transaction holds for the data source; it refuses
 * to write when there is no such transaction, because an outbox row committed on its own could
 * announce a change that is then rolled back, or miss one that was committed.
 *
 * <h2>The caller's ordering duty</h2>
 * The relay publishes the events of one order in {@code id} order. Ids are taken when a row is
 * inserted, but the row becomes visible when its transaction commits, and two transactions for the
 * same order may commit in either order:
 * <pre>
 *   T1: insert OrderPaid      -> id 7
 *   T2: insert OrderCancelled -> id 8
 *   T2: commit                 (the relay sees and publishes 8)
 *   T1: commit                 (7 arrives after 8: consumers see "paid" after "cancelled")
 * </pre>
 * So lock the order row in the same transaction before appending, e.g. with
 * {@code SELECT ... FROM orders WHERE id = ? FOR UPDATE} (JPA: {@code PESSIMISTIC_WRITE}). T2 then
 * waits for T1 to commit before it inserts, and the ids of one order grow in commit order.
 *
 * <pre>{@code
 * @Transactional
 * public void pay(String orderId, Money amount) {
 *     Order order = orders.lockById(orderId);          // SELECT ... FOR UPDATE
 *     orders.save(order.pay(amount));
 *     outbox.append(OutboxEvent.of(orderId, "OrderPaid", paidJson(order)));
 * }
 * }</pre>
 *
 * The database user needs nothing but the {@code outbox_writer} role: the writer only inserts, and
 * never reads rows back (no {@code RETURNING}). A repeated {@code event_id} fails the insert with
 * Spring's {@link org.springframework.dao.DuplicateKeyException}.
 */
public final class OutboxWriter {

    static final String INSERT_EVENT = """
            INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
            """;

    private final JdbcTemplate jdbc;

    /** A writer for the outbox table reachable through the data source's search path. */
    public OutboxWriter(DataSource dataSource) {
        this(new JdbcTemplate(Objects.requireNonNull(dataSource, "dataSource must not be null")));
    }

    /** A writer using the given template, whose data source must be the transaction's. */
    public OutboxWriter(JdbcTemplate jdbcTemplate) {
        this.jdbc = Objects.requireNonNull(jdbcTemplate, "jdbcTemplate must not be null");
    }

    /**
     * Appends one event in the current transaction.
     *
     * @throws IllegalStateException when no transaction is active on this writer's data source
     */
    public void append(OutboxEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        requireTransaction();
        jdbc.update(INSERT_EVENT, parameters(event));
    }

    /**
     * Appends several events in the current transaction in one JDBC batch. Their ids grow in list
     * order, so the relay publishes the events of one order in the order given here.
     *
     * @throws IllegalStateException when no transaction is active on this writer's data source
     */
    public void appendAll(List<OutboxEvent> events) {
        Objects.requireNonNull(events, "events must not be null");
        events.forEach(event -> Objects.requireNonNull(event, "events must not contain null"));
        if (events.isEmpty()) {
            return;
        }
        requireTransaction();
        jdbc.batchUpdate(INSERT_EVENT, events, events.size(), (statement, event) -> parameters(event).setValues(statement));
    }

    private void requireTransaction() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("OutboxWriter must run inside the transaction that changes the order "
                    + "(e.g. a @Transactional method); no transaction is active, so the event would be committed "
                    + "on its own");
        }
        // A transaction may be active on another data source (a second database, a transaction
        // manager not bound to this one). The connection we get is then in auto-commit mode, and the
        // insert would commit at once, outside the business transaction.
        Boolean autoCommit = jdbc.execute((ConnectionCallback<Boolean>) connection -> connection.getAutoCommit());
        if (Boolean.TRUE.equals(autoCommit)) {
            throw new IllegalStateException("OutboxWriter's connection is in auto-commit mode although a transaction "
                    + "is active: the transaction belongs to another data source than the outbox's");
        }
    }

    private static PreparedStatementSetter parameters(OutboxEvent event) {
        return statement -> {
            statement.setObject(1, event.eventId());
            statement.setString(2, event.aggregateType());
            statement.setString(3, event.aggregateId());
            statement.setString(4, event.eventType());
            statement.setInt(5, event.eventVersion());
            statement.setString(6, event.payloadJson());
            String headers = HeadersJson.of(event.headers());
            if (headers == null) {
                statement.setNull(7, Types.VARCHAR);
            } else {
                statement.setString(7, headers);
            }
        };
    }
}
