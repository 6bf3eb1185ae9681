package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationSet.OUTBOX;
import static io.github.orderoutbox.db.MigrationSet.READ_MODEL;
import static io.github.orderoutbox.db.MigrationsIT.assertGroupRolesHoldTheirRights;
import static io.github.orderoutbox.db.MigrationsIT.queryLong;
import static io.github.orderoutbox.db.MigrationsIT.queryStrings;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/**
 * Each migration set on its own. The read model may live in another database than the outbox, so
 * either set migrates a fresh database alone and creates nothing of the other side; in one shared
 * database the two apply in either order, each keeping its versions in its own history table.
 */
class MigrationSetsIT {

    private static final String TABLES_OF_THE_DEFAULT_SCHEMA = """
            SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename
            """;
    private static final String SIDE_SCHEMAS = """
            SELECT nspname FROM pg_namespace WHERE nspname IN ('catalog', 'read_model') ORDER BY nspname
            """;

    private static PostgresServer server;

    @BeforeAll
    static void server() {
        server = TestServers.postgres();
    }

    @Test
    void readModelSetAloneCreatesNoOutbox() throws SQLException {
        DataSource database = server.dataSource(server.createDatabase("read_model_only"));

        MigrateResult result = READ_MODEL.migrate(database);

        assertThat(result.success).isTrue();
        assertThat(result.migrations).extracting(migration -> migration.version).containsExactly("1", "2");
        try (Connection connection = database.getConnection()) {
            assertThat(queryStrings(connection, TABLES_OF_THE_DEFAULT_SCHEMA))
                    .as("no outbox, no relay tables, no outbox history")
                    .containsExactly("read_model_schema_history");
            assertThat(queryStrings(connection, SIDE_SCHEMAS)).containsExactly("catalog", "read_model");
            for (String table : MigrationsIT.READ_MODEL_TABLES) {
                assertThat(queryLong(connection, "SELECT count(*) FROM " + table)).as(table).isZero();
            }
            assertThat(appliedVersions(connection, READ_MODEL)).containsExactly("1", "2");
            assertThat(queryStrings(connection, """
                    SELECT concat_ws(',',
                        has_table_privilege('outbox_consumer', 'read_model.order_summary', 'INSERT'),
                        has_table_privilege('outbox_consumer', 'read_model.applied_event', 'INSERT'),
                        has_table_privilege('outbox_consumer', 'catalog.product', 'SELECT'),
                        has_table_privilege('outbox_consumer', 'catalog.product', 'UPDATE'))
                    """)).containsExactly("t,t,t,f");
        }
    }

    @Test
    void outboxSetAloneCreatesNoReadModel() throws SQLException {
        DataSource database = server.dataSource(server.createDatabase("outbox_only"));

        MigrateResult result = OUTBOX.migrate(database);

        assertThat(result.success).isTrue();
        assertThat(result.migrations).extracting(migration -> migration.version).containsExactly("1", "2", "3", "4", "5");
        try (Connection connection = database.getConnection()) {
            assertThat(queryStrings(connection, TABLES_OF_THE_DEFAULT_SCHEMA))
                    .as("no read-model history")
                    .containsExactly("flyway_schema_history", "outbox", "outbox_relay_instance", "outbox_relay_lease");
            assertThat(queryStrings(connection, SIDE_SCHEMAS)).as("no read_model or catalog schema").isEmpty();
            assertThat(queryLong(connection, "SELECT count(*) FROM outbox_relay_lease")).isEqualTo(256);
            assertThat(appliedVersions(connection, OUTBOX)).containsExactly("1", "2", "3", "4", "5");
        }
    }

    @ParameterizedTest(name = "{0} first, then {1}")
    @CsvSource({"OUTBOX, READ_MODEL", "READ_MODEL, OUTBOX"})
    void appliesBothSetsToOneDatabaseInEitherOrder(MigrationSet first, MigrationSet second) throws SQLException {
        DataSource database = server.dataSource(server.createDatabase("both_sets"));

        MigrateResult firstResult = first.migrate(database);
        MigrateResult secondResult = second.migrate(database);

        assertThat(firstResult.success).isTrue();
        assertThat(secondResult.success).isTrue();
        assertThat(first.migrate(database).migrationsExecuted).isZero();
        assertThat(second.migrate(database).migrationsExecuted).isZero();
        try (Connection connection = database.getConnection()) {
            assertThat(appliedVersions(connection, OUTBOX)).containsExactly("1", "2", "3", "4", "5");
            assertThat(appliedVersions(connection, READ_MODEL)).containsExactly("1", "2");
            // The second set found the schema in use, so its history starts with a baseline marker.
            assertThat(baselines(connection, first)).isEmpty();
            assertThat(baselines(connection, second)).containsExactly("0");
            assertThat(queryStrings(connection, TABLES_OF_THE_DEFAULT_SCHEMA)).containsExactly(
                    "flyway_schema_history", "outbox", "outbox_relay_instance", "outbox_relay_lease",
                    "read_model_schema_history");
            assertThat(queryStrings(connection, SIDE_SCHEMAS)).containsExactly("catalog", "read_model");
            assertGroupRolesHoldTheirRights(connection);
        }
    }

    /** The versions {@code set}'s history table records as baselines rather than applied. */
    private static List<String> baselines(Connection connection, MigrationSet set) throws SQLException {
        return queryStrings(connection, "SELECT version FROM " + set.historyTable() + " WHERE type = 'BASELINE'");
    }

    /** The versions of {@code set} that its own history table records as applied, in the order applied. */
    private static List<String> appliedVersions(Connection connection, MigrationSet set) throws SQLException {
        return queryStrings(connection, "SELECT version FROM " + set.historyTable()
                + " WHERE success AND type = 'SQL' ORDER BY installed_rank");
    }
}
