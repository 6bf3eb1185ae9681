package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationSet.OUTBOX;
import static io.github.orderoutbox.db.MigrationSet.READ_MODEL;
import static io.github.orderoutbox.db.MigrationsIT.queryLong;
import static io.github.orderoutbox.db.MigrationsIT.queryStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/**
 * The group roles of the outbox set's V3 and the read-model set's V2 grant what the orders service,
 * the relay and the event consumer need and nothing more, proven with login users made the way a
 * deployment makes them ({@code CREATE ROLE ... IN ROLE ...}). Both sets are applied to one database
 * here, so that each role is also shown to be kept off the other side's tables.
 */
class LeastPrivilegeIT {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String PASSWORD = "secret";
    // Roles belong to the cluster, which other builds may share: a name of our own for each run.
    private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String WRITER = "it_writer_" + RUN;
    private static final String RELAY = "it_relay_" + RUN;
    private static final String CONSUMER = "it_consumer_" + RUN;

    private static PostgresServer server;
    private static String database;
    private static DataSource admin;

    @BeforeAll
    static void createLoginUsers() throws SQLException {
        server = TestServers.postgres();
        database = Migrations.freshMigratedDatabase("privileges", OUTBOX, READ_MODEL);
        admin = server.dataSource(database);
        try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + WRITER + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE outbox_writer");
            statement.execute("CREATE ROLE " + RELAY + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE outbox_relay");
            statement.execute("CREATE ROLE " + CONSUMER + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE outbox_consumer");
        }
    }

    @AfterAll
    static void dropLoginUsers() throws SQLException {
        try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP ROLE IF EXISTS " + WRITER);
            statement.execute("DROP ROLE IF EXISTS " + RELAY);
            statement.execute("DROP ROLE IF EXISTS " + CONSUMER);
        }
    }

    @Test
    void groupRolesCannotLogIn() throws SQLException {
        try (Connection connection = admin.getConnection()) {
            assertThat(queryStrings(connection, """
                    SELECT rolname FROM pg_roles
                    WHERE rolname IN ('outbox_writer', 'outbox_relay', 'outbox_consumer') AND NOT rolcanlogin
                    """)).containsExactlyInAnyOrder("outbox_writer", "outbox_relay", "outbox_consumer");
        }
    }

    @Test
    void writerCanInsertTheContractColumns() throws SQLException {
        UUID withHeaders = UUID.randomUUID();
        UUID withType = UUID.randomUUID();
        try (Connection writer = connect(WRITER)) {
            execute(writer, OutboxContractIT.WRITER_INSERT, withHeaders, "o-writer", "OrderPlaced", 1, "{}",
                    "{\"traceparent\": \"t\"}");
            execute(writer, """
                    INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload)
                    VALUES (?, 'order', 'o-writer', 'OrderPaid', '{}'::jsonb)
                    """, withType);
        }

        try (Connection connection = admin.getConnection()) {
            assertThat(queryLong(connection, "SELECT count(*) FROM outbox WHERE event_id IN ('"
                    + withHeaders + "', '" + withType + "')")).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM outbox",
            "SELECT count(*) FROM outbox",
            "SELECT event_id FROM outbox",
            "UPDATE outbox SET payload = '{}'",
            "UPDATE outbox SET published_at = now()",
            "DELETE FROM outbox",
            "TRUNCATE outbox",
            "INSERT INTO outbox (event_id, aggregate_id, event_type, payload) VALUES (gen_random_uuid(), 'o', 'T', '{}') RETURNING id",
            "INSERT INTO outbox (event_id, aggregate_id, event_type, payload, published_at) VALUES (gen_random_uuid(), 'o', 'T', '{}', now())",
            "INSERT INTO outbox (event_id, aggregate_id, event_type, payload, attempts) VALUES (gen_random_uuid(), 'o', 'T', '{}', 5)",
            "INSERT INTO outbox (event_id, aggregate_id, event_type, payload, parked_at) VALUES (gen_random_uuid(), 'o', 'T', '{}', now())",
            "SELECT * FROM outbox_relay_lease",
            "UPDATE outbox_relay_lease SET owner = 'me'",
            "DELETE FROM outbox_relay_lease",
            "SELECT * FROM outbox_relay_instance",
            "INSERT INTO outbox_relay_instance (instance_id, host) VALUES ('me', 'here')",
    })
    void writerCannotReadChangeOrDeleteEventsNorTouchTheRelaysTables(String sql) throws SQLException {
        try (Connection writer = connect(WRITER)) {
            assertDenied(writer, sql);
        }
    }

    @Test
    void relayCanReadMarkRetryParkAndDeleteEvents() throws SQLException {
        UUID eventId = UUID.randomUUID();
        try (Connection connection = admin.getConnection()) {
            execute(connection, OutboxContractIT.WRITER_INSERT, eventId, "o-relay", "OrderPlaced", 1, "{}", null);
        }

        try (Connection relay = connect(RELAY)) {
            relay.setAutoCommit(false);
            assertThat(queryStrings(relay, "SELECT event_id FROM outbox WHERE event_id = '" + eventId
                    + "' FOR UPDATE SKIP LOCKED")).containsExactly(eventId.toString());
            execute(relay, """
                    UPDATE outbox
                    SET attempts = attempts + 1, next_attempt_at = now() + interval '1 second', last_error = 'timeout'
                    WHERE event_id = ?
                    """, eventId);
            execute(relay, "UPDATE outbox SET parked_at = now() WHERE event_id = ?", eventId);
            execute(relay, "UPDATE outbox SET parked_at = NULL, published_at = now() WHERE event_id = ?", eventId);
            relay.commit();
            assertThat(queryLong(relay, "SELECT attempts FROM outbox WHERE event_id = '" + eventId
                    + "' AND published_at IS NOT NULL")).isEqualTo(1);

            execute(relay, "DELETE FROM outbox WHERE event_id = ? AND published_at < now() + interval '1 day'", eventId);
            relay.commit();
            assertThat(queryLong(relay, "SELECT count(*) FROM outbox WHERE event_id = '" + eventId + "'")).isZero();
        }
    }

    @Test
    void relayCanKeepItsInstancesAndLeases() throws SQLException {
        String instance = "it-instance-" + RUN;
        try (Connection relay = connect(RELAY)) {
            relay.setAutoCommit(false);
            execute(relay, "INSERT INTO outbox_relay_instance (instance_id, host) VALUES (?, 'it-host')", instance);
            execute(relay, "UPDATE outbox_relay_instance SET heartbeat_at = now() WHERE instance_id = ?", instance);
            assertThat(queryStrings(relay, "SELECT bucket FROM outbox_relay_lease WHERE bucket = 7 FOR UPDATE"))
                    .containsExactly("7");
            execute(relay, """
                    UPDATE outbox_relay_lease SET owner = ?, epoch = epoch + 1, expires_at = now() + interval '10 seconds'
                    WHERE bucket = 7
                    """, instance);
            execute(relay, "DELETE FROM outbox_relay_instance WHERE instance_id = ?", instance);
            relay.rollback();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO outbox (event_id, aggregate_id, event_type, payload) VALUES (gen_random_uuid(), 'o', 'T', '{}')",
            "UPDATE outbox SET payload = '{}'",
            "UPDATE outbox SET headers = '{}'",
            "UPDATE outbox SET aggregate_id = 'other'",
            "UPDATE outbox SET event_type = 'OrderForged'",
            "UPDATE outbox SET event_id = gen_random_uuid()",
            "UPDATE outbox SET created_at = now()",
            "TRUNCATE outbox",
            "INSERT INTO outbox_relay_lease (bucket) VALUES (256)",
            "DELETE FROM outbox_relay_lease",
    })
    void relayCannotWriteEventsNorChangeWhatTheWriterWrote(String sql) throws SQLException {
        try (Connection relay = connect(RELAY)) {
            assertDenied(relay, sql);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT * FROM read_model.order_summary",
            "SELECT count(*) FROM read_model.applied_event",
            "INSERT INTO read_model.applied_event (event_id, order_id, event_type, position, topic, partition, kafka_offset) VALUES (gen_random_uuid(), 'o', 'OrderPaid', 1, 't', 0, 0)",
            "UPDATE read_model.customer_summary SET total_paid = 0",
            "DELETE FROM read_model.blocked_order",
            "DELETE FROM read_model.parked_event",
            "TRUNCATE read_model.order_line",
            "SELECT * FROM catalog.product",
            "INSERT INTO catalog.product (sku, name, category) VALUES ('s', 'n', 'c')",
    })
    void writerAndRelayCannotTouchTheReadModelNorTheCatalog(String sql) throws SQLException {
        for (String user : List.of(WRITER, RELAY)) {
            try (Connection connection = connect(user)) {
                assertDenied(connection, sql);
            }
        }
    }

    @Test
    void consumerCanWriteTheReadModelAndItsBookkeepingAndReadTheCatalog() throws SQLException {
        String sku = "SKU-" + RUN;
        String orderId = "o-consumer-" + RUN;
        String blockedOrderId = "o-blocked-" + RUN;
        UUID eventId = UUID.randomUUID();
        try (Connection connection = admin.getConnection()) {
            execute(connection, "INSERT INTO catalog.product (sku, name, category) VALUES (?, 'Mug', 'Kitchen')", sku);
        }

        try (Connection consumer = connect(CONSUMER)) {
            consumer.setAutoCommit(false);
            assertThat(queryStrings(consumer, "SELECT name FROM catalog.product WHERE sku = '" + sku + "'"))
                    .containsExactly("Mug");

            // What applying OrderPlaced, then OrderPaid with its version guard, writes.
            execute(consumer, """
                    INSERT INTO read_model.order_summary
                        (order_id, customer_id, status, currency, total, item_count, placed_at, last_event_id, last_position)
                    VALUES (?, 'c-1', 'PLACED', 'EUR', 25.00, 2, now(), ?, 10)
                    """, orderId, eventId);
            execute(consumer, """
                    INSERT INTO read_model.order_line
                        (order_id, line_id, sku, product_name, category, product_known, quantity, unit_price, line_total)
                    VALUES (?, '1', ?, 'Mug', 'Kitchen', true, 2, 12.50, 25.00)
                    """, orderId, sku);
            execute(consumer, """
                    INSERT INTO read_model.customer_summary (customer_id, currency, orders_placed) VALUES ('c-1', 'EUR', 1)
                    ON CONFLICT (customer_id, currency)
                    DO UPDATE SET orders_placed = customer_summary.orders_placed + 1, updated_at = now()
                    """);
            execute(consumer, """
                    INSERT INTO read_model.applied_event (event_id, order_id, event_type, position, topic, partition, kafka_offset)
                    VALUES (?, ?, 'OrderPlaced', 10, 'orders.events', 0, 100)
                    """, eventId, orderId);
            execute(consumer, """
                    UPDATE read_model.order_summary
                    SET status = 'PAID', paid_at = now(), payment_id = 'p-1', amount_paid = 25.00,
                        last_event_id = gen_random_uuid(), last_position = 11, updated_at = now()
                    WHERE order_id = ? AND last_position < 11
                    """, orderId);
            assertThat(queryStrings(consumer, "SELECT status FROM read_model.order_summary WHERE order_id = '"
                    + orderId + "' FOR UPDATE")).containsExactly("PAID");

            // Blocking an order, parking a later record of it, then redriving it.
            execute(consumer, """
                    INSERT INTO read_model.blocked_order
                        (order_id, first_event_id, reason, dead_letter_topic, dead_letter_partition, dead_letter_offset)
                    VALUES (?, gen_random_uuid(), 'InvalidEventException: total is missing', 'orders.events.dlq', 0, 7)
                    """, blockedOrderId);
            execute(consumer, """
                    INSERT INTO read_model.parked_event
                        (topic, partition, kafka_offset, order_id, event_type, record_key, record_value, headers, reason)
                    VALUES ('orders.events', 0, 101, ?, 'OrderPaid', '\\x6f'::bytea, '\\x7b7d'::bytea,
                            '[{"key": "ce_type", "value": "T3JkZXJQYWlk"}]', 'order blocked')
                    """, blockedOrderId);
            assertThat(queryLong(consumer, "SELECT count(*) FROM read_model.blocked_order WHERE order_id = '"
                    + blockedOrderId + "'")).isEqualTo(1);
            execute(consumer, "DELETE FROM read_model.parked_event WHERE order_id = ?", blockedOrderId);
            execute(consumer, "DELETE FROM read_model.blocked_order WHERE order_id = ?", blockedOrderId);

            // A replay that rebuilds the order deletes its rows; the lines go with the summary.
            execute(consumer, "DELETE FROM read_model.applied_event WHERE order_id = ?", orderId);
            execute(consumer, "DELETE FROM read_model.order_summary WHERE order_id = ?", orderId);
            execute(consumer, "DELETE FROM read_model.customer_summary WHERE customer_id = 'c-1'");
            consumer.commit();
            assertThat(queryLong(consumer, "SELECT count(*) FROM read_model.order_line WHERE order_id = '"
                    + orderId + "'")).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO catalog.product (sku, name, category) VALUES ('s', 'n', 'c')",
            "UPDATE catalog.product SET name = 'forged'",
            "DELETE FROM catalog.product",
            "TRUNCATE catalog.product",
            "TRUNCATE read_model.applied_event",
            "CREATE TABLE read_model.scratch (id int)",
            "ALTER TABLE read_model.order_summary ADD COLUMN note text",
            "SELECT * FROM outbox",
            "SELECT count(*) FROM outbox",
            "INSERT INTO outbox (event_id, aggregate_id, event_type, payload) VALUES (gen_random_uuid(), 'o', 'T', '{}')",
            "UPDATE outbox SET published_at = now()",
            "DELETE FROM outbox",
            "SELECT * FROM outbox_relay_lease",
            "UPDATE outbox_relay_lease SET owner = 'me'",
            "SELECT * FROM outbox_relay_instance",
            "INSERT INTO outbox_relay_instance (instance_id, host) VALUES ('me', 'here')",
    })
    void consumerCannotWriteTheCatalogNorTouchTheOutboxOrTheRelaysTables(String sql) throws SQLException {
        try (Connection consumer = connect(CONSUMER)) {
            assertDenied(consumer, sql);
        }
    }

    private static Connection connect(String user) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), user, PASSWORD);
    }

    private static void execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }

    private static void assertDenied(Connection connection, String sql) {
        assertThatThrownBy(() -> execute(connection, sql))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState())
                .isEqualTo(INSUFFICIENT_PRIVILEGE);
    }
}
