package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationSet.READ_MODEL;
import static io.github.orderoutbox.db.MigrationsIT.queryLong;
import static io.github.orderoutbox.db.MigrationsIT.queryString;
import static io.github.orderoutbox.db.MigrationsIT.queryStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.orderoutbox.testsupport.TestServers;

/**
 * What the read model and the consumer's bookkeeping accept and reject. Each test starts from one
 * valid order in every table (placed, with one enriched line, its customer, its applied event, and
 * blocked with one parked record), then breaks one thing.
 */
class ReadModelSchemaIT {

    private static final String CHECK_VIOLATION = "23514";
    private static final String FOREIGN_KEY_VIOLATION = "23503";
    private static final String UNIQUE_VIOLATION = "23505";

    /** The column that picks this test's row out of each table. */
    private static final Map<String, String> ROW_KEY = Map.of(
            "order_summary", "order_id",
            "order_line", "order_id",
            "customer_summary", "customer_id",
            "applied_event", "order_id",
            "blocked_order", "order_id",
            "parked_event", "order_id");

    private static DataSource database;
    private Connection connection;
    private String orderId;
    private String customerId;
    private UUID eventId;
    /** A topic name of this test's own: Kafka coordinates are unique across tests sharing the database. */
    private String topic;

    @BeforeAll
    static void migrate() {
        database = TestServers.postgres().dataSource(Migrations.freshMigratedDatabase("read_model", READ_MODEL));
    }

    @BeforeEach
    void insertOneValidOrderEverywhere() throws SQLException {
        connection = database.getConnection();
        String run = UUID.randomUUID().toString();
        orderId = "ord-" + run;
        customerId = "cus-" + run;
        eventId = UUID.randomUUID();
        topic = "orders.events." + run;

        insertPlacedOrder(orderId, customerId, eventId);
        execute("""
                INSERT INTO read_model.order_line
                    (order_id, line_id, sku, product_name, category, product_known, quantity, unit_price, line_total)
                VALUES (?, '1', 'MUG-CERAMIC-350', 'Ceramic mug 350 ml', 'Kitchen', true, 2, 12.50, 25.00),
                       (?, '2', 'COFFEE-BEANS-1KG', NULL, NULL, false, 1, 24.90, 24.90)
                """, orderId, orderId);
        execute("""
                INSERT INTO read_model.customer_summary (customer_id, currency, orders_placed, orders_cancelled, total_paid)
                VALUES (?, 'EUR', 2, 1, 49.90)
                """, customerId);
        execute("""
                INSERT INTO read_model.applied_event (event_id, order_id, event_type, position, topic, partition, kafka_offset)
                VALUES (?, ?, 'OrderPlaced', 41, 'orders.events', 3, 1200)
                """, eventId, orderId);
        execute("""
                INSERT INTO read_model.blocked_order
                    (order_id, first_event_id, reason, dead_letter_topic, dead_letter_partition, dead_letter_offset)
                VALUES (?, gen_random_uuid(), 'RuleViolation: OrderShipped of a cancelled order', 'orders.events.dlq', 0, 17)
                """, orderId);
        park(orderId, 1202);
    }

    @AfterEach
    void disconnect() throws SQLException {
        connection.close();
    }

    @Test
    void holdsTheLargestAmountTheEventSchemasAllow() throws SQLException {
        // "^(0|[1-9][0-9]{0,14})\.[0-9]{2}$": fifteen integer digits and two decimals.
        String largest = "999999999999999.99";

        execute("UPDATE read_model.order_summary SET total = ?::numeric WHERE order_id = ?", largest, orderId);
        execute("UPDATE read_model.order_line SET unit_price = ?::numeric, line_total = ?::numeric WHERE order_id = ?",
                largest, largest, orderId);
        execute("UPDATE read_model.customer_summary SET total_paid = ?::numeric WHERE customer_id = ?", largest, customerId);

        assertThat(queryString(connection, "SELECT total FROM read_model.order_summary WHERE order_id = '" + orderId + "'"))
                .isEqualTo(largest);
        assertThat(queryStrings(connection, "SELECT line_total FROM read_model.order_line WHERE order_id = '"
                + orderId + "'")).containsOnly(largest);
    }

    @Test
    void recordsAnUnknownSkuAsUnknownWithoutNameOrCategory() throws SQLException {
        assertThat(queryStrings(connection, """
                SELECT concat_ws('|', sku, product_known, coalesce(product_name, '-'), coalesce(category, '-'))
                FROM read_model.order_line WHERE order_id = '%s' ORDER BY line_id
                """.formatted(orderId))).containsExactly(
                        "MUG-CERAMIC-350|t|Ceramic mug 350 ml|Kitchen",
                        "COFFEE-BEANS-1KG|f|-|-");
    }

    @Test
    void keepsTheTimestampsOfEarlierStatuses() throws SQLException {
        execute("""
                UPDATE read_model.order_summary
                SET status = 'PAID', paid_at = now(), payment_id = 'pay-1', amount_paid = 49.90, last_position = 42
                WHERE order_id = ?
                """, orderId);
        execute("""
                UPDATE read_model.order_summary SET status = 'SHIPPED', shipped_at = now(), last_position = 43
                WHERE order_id = ?
                """, orderId);

        assertThat(queryString(connection, """
                SELECT concat_ws('|', status, paid_at IS NOT NULL, shipped_at IS NOT NULL, delivered_at IS NULL)
                FROM read_model.order_summary WHERE order_id = '%s'
                """.formatted(orderId))).isEqualTo("SHIPPED|t|t|t");
    }

    @ParameterizedTest(name = "{0}: SET {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            order_summary    | status = 'REFUNDED'                       | order_summary_status_known
            order_summary    | status = 'placed'                         | order_summary_status_known
            order_summary    | status = 'PAID'                           | order_summary_status_has_its_time
            order_summary    | status = 'CANCELLED'                      | order_summary_status_has_its_time
            order_summary    | total = -0.01                             | order_summary_total_not_negative
            order_summary    | item_count = -1                           | order_summary_item_count_not_negative
            order_summary    | currency = 'eur'                          | order_summary_currency_iso
            order_summary    | currency = 'EURO'                         | order_summary_currency_iso
            order_summary    | customer_id = ' '                         | order_summary_customer_id_not_blank
            order_summary    | paid_at = now()                           | order_summary_payment_complete
            order_summary    | paid_at = now(), payment_id = 'p', amount_paid = -1 | order_summary_amount_paid_not_negative
            order_summary    | last_position = 0                         | order_summary_last_position_positive
            order_line       | quantity = 0                              | order_line_quantity_positive
            order_line       | quantity = -2                             | order_line_quantity_positive
            order_line       | unit_price = -12.50                       | order_line_unit_price_not_negative
            order_line       | line_total = -0.01                        | order_line_line_total_not_negative
            order_line       | sku = ''                                  | order_line_sku_not_blank
            order_line       | product_known = NOT product_known         | order_line_product_known_has_details
            order_line       | category = NULL                           | order_line_product_known_has_details
            customer_summary | orders_cancelled = 3                      | customer_summary_orders_cancelled_within_placed
            customer_summary | orders_cancelled = -1                     | customer_summary_orders_cancelled_within_placed
            customer_summary | total_paid = -0.01                        | customer_summary_total_paid_not_negative
            customer_summary | currency = 'usd'                          | customer_summary_currency_iso
            applied_event    | position = 0                              | applied_event_position_positive
            applied_event    | partition = -1                            | applied_event_partition_not_negative
            applied_event    | kafka_offset = -1                         | applied_event_kafka_offset_not_negative
            applied_event    | event_type = ''                           | applied_event_event_type_not_blank
            blocked_order    | reason = ' '                              | blocked_order_reason_not_blank
            blocked_order    | dead_letter_offset = -1                   | blocked_order_dead_letter_offset_not_negative
            parked_event     | headers = '{"ce_type": "T3JkZXJQYWlk"}'   | parked_event_headers_is_array
            parked_event     | reason = ''                               | parked_event_reason_not_blank
            """)
    void rejectsARowThatBreaksACheck(String table, String change, String constraint) {
        assertThatThrownBy(() -> execute("UPDATE read_model." + table + " SET " + change
                + " WHERE " + ROW_KEY.get(table) + " = ?", keyOf(table)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(constraint)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    @Test
    void rejectsALineOfAnOrderThatIsNotThere() {
        assertThatThrownBy(() -> execute("""
                INSERT INTO read_model.order_line (order_id, line_id, sku, product_known, quantity, unit_price, line_total)
                VALUES ('no-such-order', '1', 'MUG', false, 1, 1.00, 1.00)
                """))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION);
    }

    @Test
    void deletingAnOrderDeletesItsLines() throws SQLException {
        execute("DELETE FROM read_model.order_summary WHERE order_id = ?", orderId);

        assertThat(queryLong(connection, "SELECT count(*) FROM read_model.order_line WHERE order_id = '" + orderId + "'"))
                .isZero();
    }

    @Test
    void rejectsAnEventAppliedTwice() {
        assertThatThrownBy(() -> execute("""
                INSERT INTO read_model.applied_event (event_id, order_id, event_type, position, topic, partition, kafka_offset)
                VALUES (?, ?, 'OrderPlaced', 41, 'orders.events', 3, 1200)
                """, eventId, orderId))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(UNIQUE_VIOLATION);
    }

    @Test
    void parksARecordOnlyOnceWhateverTheRedeliveries() throws SQLException {
        String again = """
                INSERT INTO read_model.parked_event (topic, partition, kafka_offset, order_id, reason)
                VALUES (?, 3, 1202, ?, 'order blocked')
                ON CONFLICT (topic, partition, kafka_offset) DO NOTHING
                """;
        execute(again, topic, orderId);

        assertThat(queryLong(connection, "SELECT count(*) FROM read_model.parked_event WHERE order_id = '" + orderId + "'"))
                .isEqualTo(1);
        assertThatThrownBy(() -> park(orderId, 1202))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(UNIQUE_VIOLATION);
    }

    @Test
    void listsTheParkedRecordsOfAnOrderInOffsetOrder() throws SQLException {
        park(orderId, 1210);
        park(orderId, 1205);

        assertThat(queryStrings(connection, """
                SELECT kafka_offset FROM read_model.parked_event WHERE order_id = '%s'
                ORDER BY topic, partition, kafka_offset
                """.formatted(orderId))).containsExactly("1202", "1205", "1210");
    }

    @Test
    void rejectsAParkedRecordOfAnOrderThatIsNotBlocked() {
        assertThatThrownBy(() -> park("ord-not-blocked-" + UUID.randomUUID(), 1300))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION);
    }

    @Test
    void keepsAnOrderBlockedWhileAnyOfItsRecordsIsParked() throws SQLException {
        assertThatThrownBy(() -> execute("DELETE FROM read_model.blocked_order WHERE order_id = ?", orderId))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(FOREIGN_KEY_VIOLATION);

        execute("DELETE FROM read_model.parked_event WHERE order_id = ?", orderId);
        execute("DELETE FROM read_model.blocked_order WHERE order_id = ?", orderId);
        assertThat(queryLong(connection, "SELECT count(*) FROM read_model.blocked_order WHERE order_id = '" + orderId + "'"))
                .isZero();
    }

    @Test
    void rejectsAProductWithoutNameOrCategory() {
        assertThatThrownBy(() -> execute("INSERT INTO catalog.product (sku, name, category) VALUES ('S-1', ' ', 'Kitchen')"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("product_name_not_blank")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    private Object keyOf(String table) {
        return "customer_summary".equals(table) ? customerId : orderId;
    }

    private void insertPlacedOrder(String order, String customer, UUID lastEventId) throws SQLException {
        execute("""
                INSERT INTO read_model.order_summary
                    (order_id, customer_id, status, currency, total, item_count, placed_at, last_event_id, last_position)
                VALUES (?, ?, 'PLACED', 'EUR', 49.90, 3, '2026-04-02T16:03:11.402Z', ?, 41)
                """, order, customer, lastEventId);
    }

    private void park(String order, long offset) throws SQLException {
        execute("""
                INSERT INTO read_model.parked_event
                    (topic, partition, kafka_offset, order_id, event_id, event_type, record_key, record_value, headers,
                     record_timestamp, reason)
                VALUES (?, 3, ?, ?, gen_random_uuid(), 'OrderShipped', convert_to(?, 'UTF8'), '\\x7b7d',
                        '[{"key": "ce_type", "value": "T3JkZXJTaGlwcGVk"}]', now(), 'order blocked')
                """, topic, offset, order, order);
    }

    private void execute(String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }
}
