package io.github.orderoutbox.consumer.readmodel;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The consumer's SQL on the read model. Reads are one statement per batch ({@code = ANY(array)});
 * {@link #write} writes a batch's changes with one statement per table, each taking its rows as
 * arrays ({@code unnest}), so a batch of thousands of events costs a handful of round trips.
 *
 * <p>{@link #write} must run inside the caller's transaction: the applied-event records and the
 * read-model changes they stand for commit together or not at all.
 */
public final class ReadModelRepository {

    private static final String SUMMARY_COLUMNS = "order_id, customer_id, status, currency, total, item_count, placed_at,"
            + " paid_at, payment_id, amount_paid, shipped_at, delivered_at, cancelled_at, last_event_id, last_position";

    private static final String LOAD_ORDERS = "SELECT " + SUMMARY_COLUMNS
            + " FROM read_model.order_summary WHERE order_id = ANY(?)";

    private static final String BLOCKED_AMONG =
            "SELECT order_id, first_event_id FROM read_model.blocked_order WHERE order_id = ANY(?)";

    private static final String APPLIED_AMONG =
            "SELECT event_id FROM read_model.applied_event WHERE event_id = ANY(?)";

    // The position too: an event id applied at another position than the event's is not a
    // redelivery but a second event under the same id (EventIdReusedException).
    private static final String APPLIED_POSITIONS_AMONG =
            "SELECT event_id, position FROM read_model.applied_event WHERE event_id = ANY(?)";

    // An event already recorded by another instance (a partition that moved during a rebalance)
    // is not inserted twice; write() sees the shortfall and fails the batch, whose retry then
    // finds the event applied and skips it.
    private static final String INSERT_APPLIED = """
            INSERT INTO read_model.applied_event (event_id, order_id, event_type, position, topic, partition, kafka_offset)
            SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::int[], ?::bigint[])
            ON CONFLICT (event_id) DO NOTHING""";

    // The version guard: a row changes only to a newer position. Every column is set from the
    // batch's final state of the order, which was computed from the row as it was read.
    private static final String UPSERT_ORDERS = """
            INSERT INTO read_model.order_summary AS s (%s, updated_at)
            SELECT u.*, now() FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]::numeric[], ?::int[],
                    ?::text[]::timestamptz[], ?::text[]::timestamptz[], ?::text[], ?::text[]::numeric[],
                    ?::text[]::timestamptz[], ?::text[]::timestamptz[], ?::text[]::timestamptz[], ?::uuid[], ?::bigint[]) AS u
            ON CONFLICT (order_id) DO UPDATE SET
                customer_id = EXCLUDED.customer_id, status = EXCLUDED.status, currency = EXCLUDED.currency,
                total = EXCLUDED.total, item_count = EXCLUDED.item_count, placed_at = EXCLUDED.placed_at,
                paid_at = EXCLUDED.paid_at, payment_id = EXCLUDED.payment_id, amount_paid = EXCLUDED.amount_paid,
                shipped_at = EXCLUDED.shipped_at, delivered_at = EXCLUDED.delivered_at,
                cancelled_at = EXCLUDED.cancelled_at, last_event_id = EXCLUDED.last_event_id,
                last_position = EXCLUDED.last_position, updated_at = now()
            WHERE s.last_position < EXCLUDED.last_position""".formatted(SUMMARY_COLUMNS);

    private static final String INSERT_LINES = """
            INSERT INTO read_model.order_line
                (order_id, line_id, sku, product_name, category, product_known, quantity, unit_price, line_total)
            SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::boolean[], ?::int[],
                    ?::text[]::numeric[], ?::text[]::numeric[])
            ON CONFLICT (order_id, line_id) DO NOTHING""";

    // Two steps, because Postgres checks an upsert's candidate row against the CHECK constraints
    // before it finds the conflict: a batch that only cancels an order would propose a new row with
    // orders_cancelled 1 and orders_placed 0, refused even though the row exists. So the first step
    // makes sure each row exists and locks it, in the order the rows arrive (sorted by customer and
    // currency, and Postgres takes an upsert's rows in array order), so that two instances whose
    // batches share customers cannot deadlock; the second adds the batch's amounts.
    private static final String LOCK_CUSTOMERS = """
            INSERT INTO read_model.customer_summary AS c (customer_id, currency)
            SELECT * FROM unnest(?::text[], ?::text[])
            ON CONFLICT (customer_id, currency) DO UPDATE SET updated_at = now()""";

    private static final String ADD_TO_CUSTOMERS = """
            UPDATE read_model.customer_summary AS c SET
                orders_placed = c.orders_placed + u.placed,
                orders_cancelled = c.orders_cancelled + u.cancelled,
                total_paid = c.total_paid + u.paid,
                updated_at = now()
            FROM unnest(?::text[], ?::text[], ?::int[], ?::int[], ?::text[]::numeric[]) AS u(customer_id, currency, placed, cancelled, paid)
            WHERE c.customer_id = u.customer_id AND c.currency = u.currency""";

    private static final String INSERT_BLOCKED = """
            INSERT INTO read_model.blocked_order
                (order_id, first_event_id, reason, dead_letter_topic, dead_letter_partition, dead_letter_offset)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (order_id) DO NOTHING""";

    private static final String INSERT_PARKED = """
            INSERT INTO read_model.parked_event (topic, partition, kafka_offset, order_id, event_id, event_type,
                record_key, record_value, headers, record_timestamp, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (topic, partition, kafka_offset) DO NOTHING""";

    // Redrive's selection, oldest block first. Each filter is given once and is null when unused.
    // The reason is matched with strpos rather than LIKE, so that % and _ in an operator's text
    // mean themselves.
    private static final String SELECT_BLOCKED = """
            WITH filter AS (SELECT ?::text[] AS order_ids, ?::text AS reason_part,
                                   ?::timestamptz AS blocked_from, ?::timestamptz AS blocked_before)
            SELECT b.order_id, b.first_event_id, b.reason, b.dead_letter_topic, b.dead_letter_partition,
                   b.dead_letter_offset
            FROM read_model.blocked_order b, filter f
            WHERE (f.order_ids IS NULL OR b.order_id = ANY(f.order_ids))
              AND (f.reason_part IS NULL OR strpos(lower(b.reason), lower(f.reason_part)) > 0)
              AND (f.blocked_from IS NULL OR b.blocked_at >= f.blocked_from)
              AND (f.blocked_before IS NULL OR b.blocked_at < f.blocked_before)
            ORDER BY b.blocked_at, b.order_id""";

    // In the order Kafka delivered them (one order keeps to one partition); walks parked_event_order.
    private static final String SELECT_PARKED = """
            SELECT topic, partition, kafka_offset, order_id, record_key, record_value, headers::text,
                   record_timestamp, reason
            FROM read_model.parked_event
            WHERE order_id = ?
            ORDER BY topic, partition, kafka_offset""";

    // A release deletes exactly the rows the redrive read, never "whatever is parked now": a record
    // parked after the redrive read the order's records would otherwise go unapplied.
    private static final String DELETE_REDRIVEN_PARKED = """
            DELETE FROM read_model.parked_event
            WHERE order_id = ? AND (topic, partition, kafka_offset) IN (SELECT * FROM unnest(?::text[], ?::int[], ?::bigint[]))""";

    private static final String COUNT_PARKED_OF_ORDER =
            "SELECT count(*) FROM read_model.parked_event WHERE order_id = ?";

    private static final String DELETE_BLOCK = """
            DELETE FROM read_model.blocked_order
            WHERE order_id = ? AND dead_letter_topic = ? AND dead_letter_partition = ? AND dead_letter_offset = ?""";

    // An order's recorded history in outbox order (walks applied_event_order): what a redrive
    // reads back from the topic to rebuild an order whose dead-lettered event belongs before it.
    private static final String APPLIED_OF_ORDER = """
            SELECT event_id, order_id, event_type, position, topic, partition, kafka_offset
            FROM read_model.applied_event WHERE order_id = ? ORDER BY position""";

    // Takes an order out of its customer's counters, to be added again by its events when they are
    // applied anew. Subtracting keeps whatever other consumers add to the same row meanwhile, which
    // recomputing the row from its orders (as a replay may, with the consumers stopped) would not.
    private static final String SUBTRACT_ORDER_FROM_CUSTOMER = """
            UPDATE read_model.customer_summary AS c SET
                orders_placed = c.orders_placed - 1,
                orders_cancelled = c.orders_cancelled - (o.status = 'CANCELLED')::int,
                total_paid = c.total_paid - coalesce(o.amount_paid, 0),
                updated_at = now()
            FROM read_model.order_summary o
            WHERE o.order_id = ? AND c.customer_id = o.customer_id AND c.currency = o.currency""";

    // order_line rows go with their order (ON DELETE CASCADE).
    private static final String DELETE_ORDER = "DELETE FROM read_model.order_summary WHERE order_id = ?";

    private static final String DELETE_RECORDED_OF_ORDER =
            "DELETE FROM read_model.applied_event WHERE order_id = ? AND event_id = ANY(?)";

    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public ReadModelRepository(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The stored summaries of these orders; orders the read model does not have are absent. */
    public Map<String, OrderSummary> loadOrders(Collection<String> orderIds) {
        Map<String, OrderSummary> found = new HashMap<>();
        if (orderIds.isEmpty()) {
            return found;
        }
        jdbc.query(con -> withArray(con, LOAD_ORDERS, "text", orderIds.toArray(String[]::new)), rs -> {
            OrderSummary order = summary(rs);
            found.put(order.orderId(), order);
        });
        return found;
    }

    /** Of these orders, those that are blocked, each with the id of the event that blocked it (null if unknown). */
    public Map<String, UUID> blockedAmong(Collection<String> orderIds) {
        Map<String, UUID> blocked = new HashMap<>();
        if (orderIds.isEmpty()) {
            return blocked;
        }
        jdbc.query(con -> withArray(con, BLOCKED_AMONG, "text", orderIds.toArray(String[]::new)),
                rs -> {
                    blocked.put(rs.getString(1), rs.getObject(2, UUID.class));
                });
        return blocked;
    }

    /** How many orders are blocked, waiting for a redrive. */
    public long countBlocked() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM read_model.blocked_order", Long.class);
        return count == null ? 0 : count;
    }

    /** The blocked orders the filter selects, the oldest block first. */
    public List<BlockedOrder> blockedOrders(BlockedOrderFilter filter) {
        return jdbc.query(con -> {
            PreparedStatement statement = con.prepareStatement(SELECT_BLOCKED);
            statement.setArray(1, filter.orderIds().isEmpty() ? null
                    : con.createArrayOf("text", filter.orderIds().toArray(String[]::new)));
            statement.setString(2, filter.reasonContains().orElse(null));
            statement.setObject(3, filter.blockedFrom().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null),
                    Types.TIMESTAMP_WITH_TIMEZONE);
            statement.setObject(4, filter.blockedBefore().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null),
                    Types.TIMESTAMP_WITH_TIMEZONE);
            return statement;
        }, (rs, row) -> new BlockedOrder(rs.getString("order_id"), rs.getObject("first_event_id", UUID.class),
                rs.getString("reason"), rs.getString("dead_letter_topic"), rs.getInt("dead_letter_partition"),
                rs.getLong("dead_letter_offset")));
    }

    /**
     * The records parked for this order, in the order Kafka delivered them, each rebuilt as the
     * event it was when received: key, value, headers and timestamp as stored, and its topic,
     * partition and offset.
     */
    public List<ParkedRecord> parkedOf(String orderId) {
        return jdbc.query(SELECT_PARKED, (rs, row) -> {
            byte[] key = rs.getBytes("record_key");
            byte[] value = rs.getBytes("record_value");
            OffsetDateTime timestamp = rs.getObject("record_timestamp", OffsetDateTime.class);
            ReceivedEvent event = new ReceivedEvent(rs.getString("topic"), rs.getInt("partition"),
                    rs.getLong("kafka_offset"), timestamp == null ? Instant.EPOCH : timestamp.toInstant(),
                    key == null ? null : new String(key, StandardCharsets.UTF_8), headersOf(rs.getString("headers")),
                    value == null ? new byte[0] : value);
            return new ParkedRecord(event, rs.getString("order_id"), rs.getString("reason"));
        }, orderId);
    }

    /** Deletes a redriven order's parked records and then its block, if both are as the redrive read them. */
    private void release(OrderRelease release) {
        String orderId = release.orderId();
        List<ReceivedEvent> parked = release.parked().stream().map(ParkedRecord::event).toList();
        if (!parked.isEmpty()) {
            int deleted = jdbc.update(con -> {
                PreparedStatement statement = con.prepareStatement(DELETE_REDRIVEN_PARKED);
                statement.setString(1, orderId);
                statement.setArray(2, con.createArrayOf("text", parked.stream().map(ReceivedEvent::topic).toArray()));
                statement.setArray(3, con.createArrayOf("int", parked.stream().map(ReceivedEvent::partition).toArray()));
                statement.setArray(4, con.createArrayOf("bigint", parked.stream().map(ReceivedEvent::offset).toArray()));
                return statement;
            });
            if (deleted != parked.size()) {
                throw new ReleaseConflictException((parked.size() - deleted) + " of the " + parked.size()
                        + " parked records of order " + orderId + " were removed by someone else meanwhile");
            }
        }
        Long parkedMeanwhile = jdbc.queryForObject(COUNT_PARKED_OF_ORDER, Long.class, orderId);
        if (parkedMeanwhile != null && parkedMeanwhile > 0) {
            throw new ReleaseConflictException(parkedMeanwhile + " record(s) of order " + orderId
                    + " were parked while it was redriven; redrive it again to include them");
        }
        BlockedOrder block = release.order();
        int unblocked = jdbc.update(DELETE_BLOCK, orderId, block.deadLetterTopic(), block.deadLetterPartition(),
                block.deadLetterOffset());
        if (unblocked != 1) {
            throw new ReleaseConflictException("order " + orderId + " is no longer blocked by the dead letter "
                    + block.deadLetterTopic() + "-" + block.deadLetterPartition() + "@" + block.deadLetterOffset()
                    + " (another redrive released it meanwhile, and it may have been blocked again since)");
        }
    }

    /** The headers of {@code parked_event.headers}; a header without a value is left out, of a repeated one the last counts. */
    private Map<String, String> headersOf(String headersJson) {
        Map<String, String> headers = new HashMap<>();
        for (JsonNode header : json.readTree(headersJson)) {
            JsonNode value = header.get("value");
            if (value != null && !value.isNull()) {
                headers.put(header.get("key").asString(),
                        new String(Base64.getDecoder().decode(value.asString()), StandardCharsets.UTF_8));
            }
        }
        return headers;
    }

    /** The events recorded as applied to the order, in outbox-position order. */
    public List<AppliedEvent> appliedOf(String orderId) {
        return jdbc.query(APPLIED_OF_ORDER, (rs, row) -> new AppliedEvent(rs.getObject(1, UUID.class), rs.getString(2),
                rs.getString(3), rs.getLong(4), rs.getString(5), rs.getInt(6), rs.getLong(7)), orderId);
    }

    /**
     * Takes an order back to "nothing applied", in the caller's transaction, so that a redrive can
     * apply its recorded events and the redriven ones anew in outbox-position order: the order is
     * subtracted from its customer's counters, its row and lines are deleted, and so are the
     * records of these applied events.
     *
     * @param recorded the order's applied events as the redrive read them ({@link #appliedOf})
     * @throws ReleaseConflictException if the order's records are no longer these
     */
    public void forgetOrder(String orderId, Collection<UUID> recorded) {
        jdbc.update(SUBTRACT_ORDER_FROM_CUSTOMER, orderId);
        jdbc.update(DELETE_ORDER, orderId);
        int deleted = jdbc.update(con -> {
            PreparedStatement statement = con.prepareStatement(DELETE_RECORDED_OF_ORDER);
            statement.setString(1, orderId);
            statement.setArray(2, con.createArrayOf("uuid", recorded.toArray(UUID[]::new)));
            return statement;
        });
        if (deleted != recorded.size()) {
            throw new ReleaseConflictException("the applied events of order " + orderId
                    + " changed while it was redriven; redrive it again");
        }
    }

    /** Of these event ids, those recorded as applied. */
    public Set<UUID> appliedAmong(Collection<UUID> eventIds) {
        Set<UUID> applied = new HashSet<>();
        if (eventIds.isEmpty()) {
            return applied;
        }
        jdbc.query(con -> withArray(con, APPLIED_AMONG, "uuid", eventIds.toArray(UUID[]::new)),
                rs -> {
                    applied.add(rs.getObject(1, UUID.class));
                });
        return applied;
    }

    /** Of these event ids, those recorded as applied, each with the outbox position it was applied at. */
    public Map<UUID, Long> appliedPositionsAmong(Collection<UUID> eventIds) {
        Map<UUID, Long> applied = new HashMap<>();
        if (eventIds.isEmpty()) {
            return applied;
        }
        jdbc.query(con -> withArray(con, APPLIED_POSITIONS_AMONG, "uuid", eventIds.toArray(UUID[]::new)),
                rs -> {
                    applied.put(rs.getObject(1, UUID.class), rs.getLong(2));
                });
        return applied;
    }

    /**
     * Writes a batch's changes in the caller's transaction: applied-event records first, then the
     * orders, their lines, the customer counters, and the blocked orders and parked records; last
     * the releases of redriven orders.
     *
     * @throws ConcurrentApplyException if another consumer recorded one of these events meanwhile;
     *         the transaction must be rolled back and the batch tried again
     * @throws ReleaseConflictException if a redriven order's rows changed since the redrive read
     *         them; the transaction must be rolled back
     */
    public void write(ReadModelChanges changes) {
        List<AppliedEvent> applied = changes.applied();
        if (!applied.isEmpty()) {
            int inserted = update(INSERT_APPLIED,
                    column(applied, "uuid", UUID[]::new, AppliedEvent::eventId),
                    column(applied, "text", String[]::new, AppliedEvent::orderId),
                    column(applied, "text", String[]::new, AppliedEvent::eventType),
                    column(applied, "bigint", Long[]::new, AppliedEvent::position),
                    column(applied, "text", String[]::new, AppliedEvent::topic),
                    column(applied, "int", Integer[]::new, AppliedEvent::partition),
                    column(applied, "bigint", Long[]::new, AppliedEvent::offset));
            if (inserted != applied.size()) {
                throw new ConcurrentApplyException(applied.size() - inserted);
            }
        }
        List<OrderSummary> orders = changes.changedOrders();
        if (!orders.isEmpty()) {
            update(UPSERT_ORDERS,
                    column(orders, "text", String[]::new, OrderSummary::orderId),
                    column(orders, "text", String[]::new, OrderSummary::customerId),
                    column(orders, "text", String[]::new, o -> o.status().name()),
                    column(orders, "text", String[]::new, OrderSummary::currency),
                    column(orders, "text", String[]::new, o -> o.total().toPlainString()),
                    column(orders, "int", Integer[]::new, OrderSummary::itemCount),
                    column(orders, "text", String[]::new, o -> text(o.placedAt())),
                    column(orders, "text", String[]::new, o -> text(o.paidAt())),
                    column(orders, "text", String[]::new, OrderSummary::paymentId),
                    column(orders, "text", String[]::new, o -> text(o.amountPaid())),
                    column(orders, "text", String[]::new, o -> text(o.shippedAt())),
                    column(orders, "text", String[]::new, o -> text(o.deliveredAt())),
                    column(orders, "text", String[]::new, o -> text(o.cancelledAt())),
                    column(orders, "uuid", UUID[]::new, OrderSummary::lastEventId),
                    column(orders, "bigint", Long[]::new, OrderSummary::lastPosition));
        }
        List<LineRow> lines = changes.lines();
        if (!lines.isEmpty()) {
            update(INSERT_LINES,
                    column(lines, "text", String[]::new, LineRow::orderId),
                    column(lines, "text", String[]::new, LineRow::lineId),
                    column(lines, "text", String[]::new, LineRow::sku),
                    column(lines, "text", String[]::new, LineRow::productName),
                    column(lines, "text", String[]::new, LineRow::category),
                    column(lines, "boolean", Boolean[]::new, LineRow::productKnown),
                    column(lines, "int", Integer[]::new, LineRow::quantity),
                    column(lines, "text", String[]::new, l -> l.unitPrice().toPlainString()),
                    column(lines, "text", String[]::new, l -> l.lineTotal().toPlainString()));
        }
        var customers = new ArrayList<>(changes.customers().entrySet());
        if (!customers.isEmpty()) {
            update(LOCK_CUSTOMERS,
                    column(customers, "text", String[]::new, e -> e.getKey().customerId()),
                    column(customers, "text", String[]::new, e -> e.getKey().currency()));
            update(ADD_TO_CUSTOMERS,
                    column(customers, "text", String[]::new, e -> e.getKey().customerId()),
                    column(customers, "text", String[]::new, e -> e.getKey().currency()),
                    column(customers, "int", Integer[]::new, e -> e.getValue().ordersPlaced()),
                    column(customers, "int", Integer[]::new, e -> e.getValue().ordersCancelled()),
                    column(customers, "text", String[]::new, e -> e.getValue().paid().toPlainString()));
        }
        // Blocked orders before parked records: a parked record refers to its blocked order.
        // Both are rare, so they are plain batched inserts.
        if (!changes.blocked().isEmpty()) {
            jdbc.batchUpdate(INSERT_BLOCKED, changes.blocked(), changes.blocked().size(), (ps, b) -> {
                ps.setString(1, b.orderId());
                ps.setObject(2, b.firstEventId());
                ps.setString(3, b.reason());
                ps.setString(4, b.deadLetterTopic());
                ps.setInt(5, b.deadLetterPartition());
                ps.setLong(6, b.deadLetterOffset());
            });
        }
        if (!changes.parked().isEmpty()) {
            try {
                jdbc.batchUpdate(INSERT_PARKED, changes.parked(), changes.parked().size(), (ps, p) -> {
                    ReceivedEvent event = p.event();
                    ps.setString(1, event.topic());
                    ps.setInt(2, event.partition());
                    ps.setLong(3, event.offset());
                    ps.setString(4, p.orderId());
                    ps.setObject(5, event.eventIdHeader().orElse(null));
                    ps.setString(6, event.header("ce_type").orElse(null));
                    ps.setBytes(7, event.key() == null ? null : event.key().getBytes(StandardCharsets.UTF_8));
                    ps.setBytes(8, event.value());
                    ps.setString(9, headersJson(event));
                    ps.setTimestamp(10, Timestamp.from(event.timestamp()));
                    ps.setString(11, p.reason());
                });
            } catch (DataIntegrityViolationException e) {
                if (isForeignKeyViolation(e)) {
                    // The order was released by a redrive after this batch read it as blocked: the
                    // batch is tried again, finds the order no longer blocked and applies the record.
                    throw new ConcurrentApplyException("an order of the batch was released by a redrive while the batch ran", e);
                }
                throw e;
            }
        }
        // Last, a redrive's releases: once the order's events are written, its parked records and block go.
        for (OrderRelease release : changes.releases()) {
            release(release);
        }
    }

    /**
     * The headers as the JSON array {@code parked_event.headers} holds: {"key": name, "value": base64}.
     * They come from a {@link ReceivedEvent}, which keeps the last value of each header as UTF-8
     * text: a repeated header is stored once and the order is by name, not as received (the
     * column's comment promises more than this; a redrive needs only the values).
     */
    private String headersJson(ReceivedEvent event) {
        ArrayNode array = json.createArrayNode();
        event.headers().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(header -> array.addObject()
                .put("key", header.getKey())
                .put("value", Base64.getEncoder().encodeToString(header.getValue().getBytes(StandardCharsets.UTF_8))));
        return json.writeValueAsString(array);
    }

    private static boolean isForeignKeyViolation(DataIntegrityViolationException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && "23503".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private int update(String sql, Column<?>... columns) {
        return jdbc.update(con -> {
            PreparedStatement statement = con.prepareStatement(sql);
            for (int i = 0; i < columns.length; i++) {
                statement.setArray(i + 1, columns[i].toArray(con));
            }
            return statement;
        });
    }

    private static PreparedStatement withArray(Connection con, String sql, String type, Object[] values) throws SQLException {
        PreparedStatement statement = con.prepareStatement(sql);
        statement.setArray(1, con.createArrayOf(type, values));
        return statement;
    }

    private static <R, V> Column<V> column(List<R> rows, String type, java.util.function.IntFunction<V[]> newArray,
                                           Function<R, V> value) {
        V[] values = newArray.apply(rows.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = value.apply(rows.get(i));
        }
        return new Column<>(type, values);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static String text(BigDecimal amount) {
        return amount == null ? null : amount.toPlainString();
    }

    private static OrderSummary summary(ResultSet rs) throws SQLException {
        return new OrderSummary(rs.getString("order_id"), rs.getString("customer_id"),
                OrderStatus.valueOf(rs.getString("status")), rs.getString("currency"), rs.getBigDecimal("total"),
                rs.getInt("item_count"), instant(rs, "placed_at"), instant(rs, "paid_at"), rs.getString("payment_id"),
                rs.getBigDecimal("amount_paid"), instant(rs, "shipped_at"), instant(rs, "delivered_at"),
                instant(rs, "cancelled_at"), rs.getObject("last_event_id", UUID.class), rs.getLong("last_position"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private record Column<V>(String type, V[] values) {
        Array toArray(Connection con) throws SQLException {
            return con.createArrayOf(type, values);
        }
    }
}
