package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationsIT.queryLong;
import static io.github.orderoutbox.db.MigrationsIT.queryStrings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
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
 * The group roles of V3 grant what the orders service and the relay need and nothing more, proven
 * with login users made the way a deployment makes them ({@code CREATE ROLE ... IN ROLE ...}).
 */
class LeastPrivilegeIT {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String PASSWORD = "secret";
    // Roles belong to the cluster, which other builds may share: a name of our own for each run.
    private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final String WRITER = "it_writer_" + RUN;
    private static final String RELAY = "it_relay_" + RUN;

    private static PostgresServer server;
    private static String database;
    private static DataSource admin;

    @BeforeAll
    static void createLoginUsers() throws SQLException {
        server = TestServers.postgres();
        database = Migrations.freshMigratedDatabase("privileges");
        admin = server.dataSource(database);
        try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + WRITER + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE outbox_writer");
            statement.execute("CREATE ROLE " + RELAY + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE outbox_relay");
        }
    }

    @AfterAll
    static void dropLoginUsers() throws SQLException {
        try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP ROLE IF EXISTS " + WRITER);
            statement.execute("DROP ROLE IF EXISTS " + RELAY);
        }
    }

    @Test
    void groupRolesCannotLogIn() throws SQLException {
        try (Connection connection = admin.getConnection()) {
            assertThat(queryStrings(connection, """
                    SELECT rolname FROM pg_roles WHERE rolname IN ('outbox_writer', 'outbox_relay') AND NOT rolcanlogin
                    """)).containsExactlyInAnyOrder("outbox_writer", "outbox_relay");
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
