package io.github.orderoutbox.endtoend.chaos;

import io.github.orderoutbox.endtoend.chaos.TopicReader.Read;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.json.EventJson;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compares, once the system has drained, what the writers committed (the outbox rows, kept by
 * retention) with what reached Kafka, what was applied, what was dead-lettered and what the read
 * model holds. Each source is read on its own; nothing is taken from the services' view of
 * themselves.
 *
 * <p>The rules, per event of the outbox:
 * <ul>
 *   <li>every row reached {@code orders.events} at least once, with its outbox id as
 *       {@code ce_outboxposition}, and the first copies of a locked order's events are in commit
 *       (= position) order;</li>
 *   <li>an event written by the contract and not poisoned was applied exactly once, and is not on
 *       the dead-letter topic;</li>
 *   <li>a poisoned event (header {@code chaos=poison}) was not applied and is on the dead-letter
 *       topic, failed by {@code ValidateEventSchema};</li>
 *   <li>an event of a race (two unlocked transactions of one order, {@code chaos=race}) was either
 *       applied, or is on the dead-letter topic with a reason about its position because the later
 *       position of its order was applied first; never both, never neither;</li>
 *   <li>per order, the applied events' positions grow with the Kafka offsets they were applied
 *       from: applied in position order, which for locked orders is commit order;</li>
 *   <li>the dead-letter topic holds exactly the poisoned and out-of-position events, each with an
 *       exception class and message;</li>
 *   <li>the read model (order status, total, items, lines, payment, last position; per customer
 *       and currency: placed, cancelled, paid) equals a fold of the applied-by-the-rules events in
 *       position order, computed here from the outbox payloads;</li>
 *   <li>nothing is left behind: no unpublished or parked outbox row, no blocked order without a
 *       dead-lettered event (and every such order blocked), no parked record of an unblocked order,
 *       no lease held by a dead instance, every bucket held, no lock waited for, no transaction idle
 *       for long, no consumer lag.</li>
 * </ul>
 */
final class InvariantChecker {

    private static final int EXAMPLES = 8;

    record OutboxRow(long id, UUID eventId, String orderId, String type, String payload, String marker,
            boolean published, boolean parked) {
    }

    record Applied(UUID eventId, String orderId, long position, int partition, long offset) {
    }

    record DeadLetter(UUID eventId, String orderId, String exceptionClass, String message, String pipe) {

        String reason() {
            return exceptionClass + ": " + message;
        }
    }

    private final EventJson json = new EventJson();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    final Map<String, Object> figures = new LinkedHashMap<>();

    /** The broken rules with a count and the first few examples each; empty when every invariant holds. */
    List<String> violations() {
        List<String> lines = new ArrayList<>();
        counts.forEach((rule, count) -> lines.add(rule + " (" + count + "x), e.g. " + String.join("; ", examples.get(rule))));
        return lines;
    }

    private void violation(String rule, String example) {
        counts.merge(rule, 1, Integer::sum);
        List<String> list = examples.computeIfAbsent(rule, r -> new ArrayList<>());
        if (list.size() < EXAMPLES) {
            list.add(example);
        }
    }

    void check(ChaosStack stack, long consumerLag) throws SQLException {
        try (Connection connection = stack.dataSource().getConnection(); Statement sql = connection.createStatement()) {
            List<OutboxRow> outbox = outbox(sql);
            List<Read> topic = TopicReader.readAll(stack.kafka.bootstrapServers(), ChaosStack.TOPIC);
            List<Read> deadLetterRecords = TopicReader.readAll(stack.kafka.bootstrapServers(), ChaosStack.DEAD_LETTER_TOPIC);
            List<DeadLetter> deadLetters = deadLetterRecords.stream().map(InvariantChecker::deadLetter).toList();
            Map<UUID, Applied> applied = applied(sql);

            Map<UUID, OutboxRow> byId = outbox.stream().collect(Collectors.toMap(OutboxRow::eventId, Function.identity()));
            Map<String, List<OutboxRow>> byOrder = outbox.stream().collect(Collectors.groupingBy(OutboxRow::orderId,
                    TreeMap::new, Collectors.toList()));
            byOrder.values().forEach(rows -> rows.sort(Comparator.comparingLong(OutboxRow::id)));
            Map<UUID, DeadLetter> deadLettered = new HashMap<>();
            deadLetters.forEach(letter -> deadLettered.putIfAbsent(letter.eventId(), letter));

            figures.put("events written (outbox rows)", outbox.size());
            figures.put("of which poisoned", outbox.stream().filter(r -> OrderWriters.POISON.equals(r.marker())).count());
            figures.put("of which in races", outbox.stream().filter(r -> OrderWriters.RACE.equals(r.marker())).count());
            figures.put("orders", byOrder.size());
            figures.put("records in " + ChaosStack.TOPIC, topic.size());
            long distinct = topic.stream().map(r -> r.header(EventHeaders.ID)).distinct().count();
            figures.put("distinct events in " + ChaosStack.TOPIC, distinct);
            figures.put("duplicate copies delivered by the relays (records - distinct)", topic.size() - distinct);
            figures.put("events applied (read_model.applied_event)", applied.size());
            figures.put("records in " + ChaosStack.DEAD_LETTER_TOPIC, deadLetters.size());

            checkTopic(outbox, byId, topic);
            Map<UUID, Boolean> shouldApply = checkOutcomes(outbox, byOrder, applied, deadLettered);
            checkDeadLetterTopic(byId, deadLetters, shouldApply);
            checkApplyOrder(applied, byId);
            checkReadModel(sql, byOrder, shouldApply);
            checkLeftovers(sql, deadLettered, byId, consumerLag);
        }
    }

    private void checkTopic(List<OutboxRow> outbox, Map<UUID, OutboxRow> byId, List<Read> topic) {
        Set<UUID> seen = new HashSet<>();
        Map<String, List<Read>> byKey = new HashMap<>();
        for (Read record : topic) {
            String id = record.header(EventHeaders.ID);
            UUID eventId;
            try {
                eventId = UUID.fromString(id);
            } catch (RuntimeException e) {
                violation("a record in the topic has no valid ce_id", record.partition() + "@" + record.offset());
                continue;
            }
            seen.add(eventId);
            OutboxRow row = byId.get(eventId);
            if (row == null) {
                violation("a record in the topic is no outbox row", id);
            } else if (!Long.toString(row.id()).equals(record.header(EventHeaders.POSITION))) {
                violation("a record's ce_outboxposition is not its outbox id", id + " has " + record.header(EventHeaders.POSITION)
                        + ", outbox id " + row.id());
            }
            byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
        }
        for (OutboxRow row : outbox) {
            if (!seen.contains(row.eventId())) {
                violation("an outbox row never reached Kafka", row.eventId() + " (order " + row.orderId() + ", id " + row.id() + ")");
            }
        }
        // The relay's promise: first copies of a (locked) order's events in commit order.
        byKey.forEach((key, records) -> {
            records.sort(Comparator.comparingLong(Read::offset));
            Set<String> first = new HashSet<>();
            long last = 0;
            for (Read record : records) {
                String id = record.header(EventHeaders.ID);
                OutboxRow row = id == null ? null : byId.get(safeUuid(id));
                if (row == null || OrderWriters.RACE.equals(row.marker()) || !first.add(id)) {
                    continue;
                }
                if (row.id() < last) {
                    violation("first copies of a locked order's events reached Kafka out of commit order",
                            "order " + key + ": position " + row.id() + " after " + last);
                }
                last = Math.max(last, row.id());
            }
        });
    }

    /** Which events must be applied, by the rules in the class comment; reports every event that breaks them. */
    private Map<UUID, Boolean> checkOutcomes(List<OutboxRow> outbox, Map<String, List<OutboxRow>> byOrder,
            Map<UUID, Applied> applied, Map<UUID, DeadLetter> deadLettered) {
        Map<UUID, Boolean> shouldApply = new HashMap<>();
        long outOfPosition = 0;
        for (OutboxRow row : outbox) {
            boolean isApplied = applied.containsKey(row.eventId());
            DeadLetter letter = deadLettered.get(row.eventId());
            String what = row.eventId() + " " + row.type() + " of " + row.orderId() + " at " + row.id();
            if (OrderWriters.POISON.equals(row.marker())) {
                shouldApply.put(row.eventId(), false);
                if (isApplied) {
                    violation("a poisoned event was applied", what);
                }
                if (letter == null) {
                    violation("a poisoned event is not on the dead-letter topic", what);
                } else if (!"ValidateEventSchema".equals(letter.pipe())) {
                    violation("a poisoned event was dead-lettered by another pipe than ValidateEventSchema",
                            what + ": " + letter.pipe() + " " + letter.reason());
                }
            } else if (OrderWriters.RACE.equals(row.marker())) {
                shouldApply.put(row.eventId(), isApplied);
                if (isApplied && letter != null) {
                    violation("a raced event was both applied and dead-lettered", what + ": " + letter.reason());
                } else if (!isApplied && letter == null) {
                    violation("a raced event was neither applied nor dead-lettered (lost silently)", what);
                } else if (letter != null) {
                    outOfPosition++;
                    if (!letter.reason().toLowerCase(Locale.ROOT).contains("position")) {
                        violation("a raced event was dead-lettered for another reason than its position", what + ": " + letter.reason());
                    }
                    boolean laterApplied = byOrder.get(row.orderId()).stream()
                            .anyMatch(other -> other.id() > row.id() && applied.containsKey(other.eventId()));
                    if (!laterApplied) {
                        violation("a raced event was dead-lettered as out of position though no later event of its order was applied",
                                what);
                    }
                }
            } else {
                shouldApply.put(row.eventId(), true);
                if (!isApplied) {
                    violation("an event written by the contract was not applied", what
                            + (letter == null ? " (and not dead-lettered: lost silently)" : " (dead-lettered: " + letter.reason() + ")"));
                } else if (letter != null) {
                    violation("an event written by the contract is on the dead-letter topic", what + ": " + letter.reason());
                }
            }
        }
        figures.put("raced events dead-lettered as out of position", outOfPosition);
        Set<UUID> known = outbox.stream().map(OutboxRow::eventId).collect(Collectors.toSet());
        applied.keySet().stream().filter(id -> !known.contains(id))
                .forEach(id -> violation("an applied event is no outbox row", id.toString()));
        return shouldApply;
    }

    private void checkDeadLetterTopic(Map<UUID, OutboxRow> byId, List<DeadLetter> deadLetters, Map<UUID, Boolean> shouldApply) {
        Set<UUID> ids = new HashSet<>();
        for (DeadLetter letter : deadLetters) {
            if (letter.eventId() == null || !byId.containsKey(letter.eventId())) {
                violation("a dead letter is no outbox event", String.valueOf(letter.eventId()));
                continue;
            }
            if (!ids.add(letter.eventId())) {
                figures.merge("dead letters repeated (same event again)", 1L, (a, b) -> (Long) a + (Long) b);
            }
            if (isBlank(letter.exceptionClass()) || isBlank(letter.message())) {
                violation("a dead letter has no reason", letter.eventId().toString());
            }
            if (Boolean.TRUE.equals(shouldApply.get(letter.eventId()))) {
                violation("an event that must be applied is on the dead-letter topic", letter.eventId() + ": " + letter.reason());
            }
        }
    }

    private void checkApplyOrder(Map<UUID, Applied> applied, Map<UUID, OutboxRow> byId) {
        Map<String, List<Applied>> byOrder = applied.values().stream().collect(Collectors.groupingBy(Applied::orderId));
        byOrder.forEach((orderId, events) -> {
            events.sort(Comparator.comparingInt(Applied::partition).thenComparingLong(Applied::offset));
            long last = 0;
            for (Applied event : events) {
                if (event.position() <= last) {
                    violation("an order's events were applied out of position order",
                            "order " + orderId + ": position " + event.position() + " applied after " + last);
                }
                last = event.position();
                OutboxRow row = byId.get(event.eventId());
                if (row != null && row.id() != event.position()) {
                    violation("an event was applied at another position than its outbox id", event.eventId().toString());
                }
            }
        });
    }

    private void checkReadModel(Statement sql, Map<String, List<OutboxRow>> byOrder, Map<UUID, Boolean> shouldApply)
            throws SQLException {
        Map<String, Map<String, Object>> expectedOrders = new TreeMap<>();
        Map<String, Map<String, Object>> expectedCustomers = new TreeMap<>();
        for (var entry : byOrder.entrySet()) {
            Map<String, Object> order = null;
            for (OutboxRow row : entry.getValue()) {
                if (!shouldApply.getOrDefault(row.eventId(), false)) {
                    continue;
                }
                OrderEvent event = json.read(row.type(), json.readTree(row.payload()));
                if (event instanceof OrderPlaced placed) {
                    order = new TreeMap<>();
                    order.put("customer_id", placed.customerId());
                    order.put("currency", placed.currency());
                    order.put("total", placed.total().amount().setScale(2).toPlainString());
                    order.put("item_count", (long) placed.itemCount());
                    order.put("lines", (long) placed.lines().size());
                    order.put("amount_paid", null);
                    order.put("payment_id", null);
                    customer(expectedCustomers, placed.customerId(), placed.currency()).merge("orders_placed", 1L, InvariantChecker::add);
                } else if (order == null) {
                    violation("the oracle met an event of an order never placed", row.eventId().toString());
                    break;
                }
                String customerId = (String) order.get("customer_id");
                String currency = (String) order.get("currency");
                switch (row.type()) {
                    case "OrderPlaced" -> order.put("status", "PLACED");
                    case "OrderPaid" -> {
                        OrderPaid paid = (OrderPaid) event;
                        order.put("status", "PAID");
                        order.put("amount_paid", paid.amount().setScale(2).toPlainString());
                        order.put("payment_id", paid.paymentId());
                        customer(expectedCustomers, customerId, currency).merge("total_paid", paid.amount().setScale(2),
                                (a, b) -> ((BigDecimal) a).add((BigDecimal) b));
                    }
                    case "OrderShipped" -> order.put("status", "SHIPPED");
                    case "OrderDelivered" -> order.put("status", "DELIVERED");
                    case "OrderCancelled" -> {
                        order.put("status", "CANCELLED");
                        customer(expectedCustomers, customerId, currency).merge("orders_cancelled", 1L, InvariantChecker::add);
                    }
                    default -> violation("the oracle met an unknown event type", row.type());
                }
                order.put("last_position", row.id());
            }
            if (order != null) {
                expectedOrders.put(entry.getKey(), order);
            }
        }
        expectedCustomers.values().forEach(row -> {
            row.putIfAbsent("orders_placed", 0L);
            row.putIfAbsent("orders_cancelled", 0L);
            row.merge("total_paid", BigDecimal.ZERO.setScale(2), (a, b) -> a);
            row.put("total_paid", ((BigDecimal) row.get("total_paid")).toPlainString());
        });

        Map<String, Map<String, Object>> actualOrders = rows(sql, """
                SELECT s.order_id, s.customer_id, s.currency, s.status, s.total::text AS total, s.item_count::bigint AS item_count,
                       (SELECT count(*) FROM read_model.order_line l WHERE l.order_id = s.order_id) AS lines,
                       s.amount_paid::text AS amount_paid, s.payment_id, s.last_position
                  FROM read_model.order_summary s""", "order_id");
        Map<String, Map<String, Object>> actualCustomers = rows(sql, """
                SELECT customer_id || '/' || currency AS key, orders_placed::bigint AS orders_placed,
                       orders_cancelled::bigint AS orders_cancelled, total_paid::text AS total_paid
                  FROM read_model.customer_summary""", "key");
        compare("order_summary", expectedOrders, actualOrders);
        compare("customer_summary", expectedCustomers, actualCustomers);
        figures.put("orders in the read model", actualOrders.size());
        figures.put("customer rows in the read model", actualCustomers.size());
    }

    private void compare(String table, Map<String, Map<String, Object>> expected, Map<String, Map<String, Object>> actual) {
        for (var entry : expected.entrySet()) {
            Map<String, Object> row = actual.get(entry.getKey());
            if (row == null) {
                violation(table + " lacks a row the oracle has", entry.getKey() + " " + entry.getValue());
                continue;
            }
            for (var column : entry.getValue().entrySet()) {
                Object have = row.get(column.getKey());
                if (!Objects.equals(normal(column.getValue()), normal(have))) {
                    violation(table + " differs from the oracle", entry.getKey() + "." + column.getKey() + " is " + have
                            + ", oracle " + column.getValue());
                }
            }
        }
        actual.keySet().stream().filter(key -> !expected.containsKey(key))
                .forEach(key -> violation(table + " has a row the oracle has not", key + " " + actual.get(key)));
    }

    private void checkLeftovers(Statement sql, Map<UUID, DeadLetter> deadLettered, Map<UUID, OutboxRow> byId, long consumerLag)
            throws SQLException {
        count(sql, "SELECT count(*) FROM outbox WHERE published_at IS NULL", "outbox rows left unpublished");
        count(sql, "SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL", "outbox rows parked by a relay");
        count(sql, """
                SELECT count(*) FROM outbox_relay_lease l
                 WHERE l.owner IS NOT NULL AND l.expires_at > now()
                   AND NOT EXISTS (SELECT 1 FROM outbox_relay_instance i
                                    WHERE i.instance_id = l.owner AND i.heartbeat_at > now() - interval '10 seconds')""",
                "leases held by an instance that no longer heartbeats");
        count(sql, "SELECT 256 - count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL AND expires_at > now()",
                "buckets held by no live relay");
        count(sql, "SELECT count(*) FROM pg_locks WHERE NOT granted", "locks waited for after the drain");
        count(sql, """
                SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'
                   AND state_change < now() - interval '30 seconds'""", "transactions idle for more than 30 s");
        Set<String> expectedBlocked = deadLettered.keySet().stream().map(byId::get).filter(Objects::nonNull)
                .map(OutboxRow::orderId).collect(Collectors.toCollection(HashSet::new));
        Set<String> blocked = strings(sql, "SELECT order_id FROM read_model.blocked_order");
        blocked.stream().filter(order -> !expectedBlocked.contains(order))
                .forEach(order -> violation("an order is blocked without a dead-lettered event", order));
        expectedBlocked.stream().filter(order -> !blocked.contains(order))
                .forEach(order -> violation("an order with a dead-lettered event is not blocked", order));
        strings(sql, "SELECT DISTINCT order_id FROM read_model.parked_event").stream().filter(order -> !blocked.contains(order))
                .forEach(order -> violation("a record is parked for an order that is not blocked", order));
        figures.put("blocked orders", blocked.size());
        figures.put("parked records", longValue(sql, "SELECT count(*) FROM read_model.parked_event"));
        if (consumerLag != 0) {
            violation("the consumer group has lag after the drain", Long.toString(consumerLag));
        }
    }

    private List<OutboxRow> outbox(Statement sql) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (ResultSet result = sql.executeQuery("""
                SELECT id, event_id, aggregate_id, event_type, payload::text, headers ->> 'chaos',
                       published_at IS NOT NULL, parked_at IS NOT NULL
                  FROM outbox ORDER BY id""")) {
            while (result.next()) {
                rows.add(new OutboxRow(result.getLong(1), (UUID) result.getObject(2), result.getString(3), result.getString(4),
                        result.getString(5), result.getString(6), result.getBoolean(7), result.getBoolean(8)));
            }
        }
        return rows;
    }

    private Map<UUID, Applied> applied(Statement sql) throws SQLException {
        Map<UUID, Applied> applied = new HashMap<>();
        try (ResultSet result = sql.executeQuery(
                "SELECT event_id, order_id, position, partition, kafka_offset FROM read_model.applied_event")) {
            while (result.next()) {
                Applied event = new Applied((UUID) result.getObject(1), result.getString(2), result.getLong(3),
                        result.getInt(4), result.getLong(5));
                if (applied.put(event.eventId(), event) != null) {
                    violation("an event was applied twice", event.eventId().toString());
                }
            }
        }
        return applied;
    }

    private static DeadLetter deadLetter(Read record) {
        String id = record.header("dlq_event_id");
        if (id == null) {
            id = record.header(EventHeaders.ID);
        }
        return new DeadLetter(id == null ? null : safeUuid(id), record.key(), record.header("dlq_exception_class"),
                record.header("dlq_exception_message"), record.header("dlq_failed_pipe"));
    }

    private static Map<String, Object> customer(Map<String, Map<String, Object>> customers, String customerId, String currency) {
        return customers.computeIfAbsent(customerId + "/" + currency, k -> new TreeMap<>());
    }

    private static Map<String, Map<String, Object>> rows(Statement sql, String query, String keyColumn) throws SQLException {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        try (ResultSet result = sql.executeQuery(query)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, Object> row = new TreeMap<>();
                for (int c = 1; c <= columns; c++) {
                    row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                }
                rows.put(result.getString(keyColumn), row);
            }
        }
        return rows;
    }

    private void count(Statement sql, String query, String rule) throws SQLException {
        long count = longValue(sql, query);
        if (count != 0) {
            violation(rule, Long.toString(count));
        }
    }

    private static long longValue(Statement sql, String query) throws SQLException {
        try (ResultSet result = sql.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static Set<String> strings(Statement sql, String query) throws SQLException {
        Set<String> values = new HashSet<>();
        try (ResultSet result = sql.executeQuery(query)) {
            while (result.next()) {
                values.add(result.getString(1));
            }
        }
        return values;
    }

    private static Object normal(Object value) {
        if (value instanceof Number number && !(value instanceof BigDecimal)) {
            return number.longValue();
        }
        return value;
    }

    private static Object add(Object a, Object b) {
        return (Long) a + (Long) b;
    }

    private static UUID safeUuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
