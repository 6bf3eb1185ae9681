package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationSet.OUTBOX;
import static io.github.orderoutbox.db.MigrationSet.READ_MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

class MigrationsIT {

    /** The tables of the read model and the consumer's bookkeeping, schema-qualified. */
    static final List<String> READ_MODEL_TABLES = List.of(
            "read_model.order_summary", "read_model.order_line", "read_model.customer_summary",
            "read_model.applied_event", "read_model.blocked_order", "read_model.parked_event");

    private static PostgresServer server;
    private static DataSource migrated;

    @BeforeAll
    static void migrate() {
        server = TestServers.postgres();
        migrated = server.dataSource(Migrations.freshMigratedDatabase("migrated", OUTBOX, READ_MODEL));
    }

    @Test
    void appliesEveryMigrationOfBothSetsToAFreshDatabaseOnce() throws SQLException {
        DataSource database = server.dataSource(server.createDatabase("migrations"));

        MigrateResult firstOutbox = Migrations.apply(OUTBOX, database);
        MigrateResult firstReadModel = Migrations.apply(READ_MODEL, database);
        MigrateResult secondOutbox = Migrations.apply(OUTBOX, database);
        MigrateResult secondReadModel = Migrations.apply(READ_MODEL, database);

        assertThat(firstOutbox.success).isTrue();
        assertThat(firstOutbox.migrations).extracting(migration -> migration.version)
                .containsExactly("1", "2", "3", "4", "5");
        assertThat(firstReadModel.success).isTrue();
        assertThat(firstReadModel.migrations).extracting(migration -> migration.version)
                .containsExactly("1", "2");
        assertThat(secondOutbox.migrationsExecuted).isZero();
        assertThat(secondReadModel.migrationsExecuted).isZero();
        try (Connection connection = database.getConnection()) {
            assertThat(queryLong(connection, "SELECT count(*) FROM outbox")).isZero();
            assertThat(queryLong(connection, """
                    SELECT count(*) FROM outbox_relay_lease
                    WHERE owner IS NULL AND epoch = 0 AND expires_at IS NULL
                    """)).isEqualTo(256);
            assertThat(queryLong(connection, "SELECT min(bucket) FROM outbox_relay_lease")).isZero();
            assertThat(queryLong(connection, "SELECT max(bucket) FROM outbox_relay_lease")).isEqualTo(255);
            for (String table : READ_MODEL_TABLES) {
                assertThat(queryLong(connection, "SELECT count(*) FROM " + table)).as(table).isZero();
            }
            assertThat(queryLong(connection, "SELECT count(*) FROM catalog.product")).isZero();
        }
    }

    @Test
    void migratesSeveralDatabasesOnOneServer() throws SQLException {
        // The group roles belong to the cluster: the second database finds them already there.
        String first = Migrations.freshMigratedDatabase("first", OUTBOX, READ_MODEL);
        String second = Migrations.freshMigratedDatabase("second", OUTBOX, READ_MODEL);

        for (String database : List.of(first, second)) {
            try (Connection connection = server.dataSource(database).getConnection()) {
                assertGroupRolesHoldTheirRights(connection);
            }
        }
    }

    @Test
    void migratesAsAPlainDatabaseOwnerOnceTheRolesExist() throws SQLException {
        // A deployment runs Flyway as the owner of its database, not as a superuser, and its DBA
        // may have created the group roles (here: the migration of the database made before all).
        String owner = "it_owner_" + UUID.randomUUID().toString().replace("-", "");
        String database = server.createDatabase("owned");
        try (Connection connection = migrated.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + owner + " LOGIN PASSWORD 'secret' NOSUPERUSER NOCREATEROLE");
            statement.execute("ALTER DATABASE " + database + " OWNER TO " + owner);
            try {
                MigrateResult outbox = Migrations.apply(OUTBOX, server.jdbcUrl(database), owner, "secret");
                MigrateResult readModel = Migrations.apply(READ_MODEL, server.jdbcUrl(database), owner, "secret");

                assertThat(outbox.success).isTrue();
                assertThat(readModel.success).isTrue();
                try (Connection owned = server.dataSource(database).getConnection()) {
                    assertGroupRolesHoldTheirRights(owned);
                }
            } finally {
                statement.execute("DROP DATABASE " + database + " WITH (FORCE)");
                statement.execute("DROP ROLE " + owner);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tables")
    void commentsTheTableAndEveryColumn(String table) throws SQLException {
        try (Connection connection = migrated.getConnection()) {
            assertThat(queryString(connection, "SELECT obj_description('" + table + "'::regclass, 'pg_class')"))
                    .isNotBlank();
            assertThat(queryStrings(connection, """
                    SELECT attname FROM pg_attribute
                    WHERE attrelid = '%s'::regclass AND attnum > 0 AND NOT attisdropped
                      AND coalesce(btrim(col_description(attrelid, attnum)), '') = ''
                    """.formatted(table)))
                    .as("columns of %s without a comment", table)
                    .isEmpty();
            assertThat(queryLong(connection, """
                    SELECT count(*) FROM pg_attribute
                    WHERE attrelid = '%s'::regclass AND attnum > 0 AND NOT attisdropped
                    """.formatted(table))).isPositive();
        }
    }

    @Test
    void checksTheCommentsOfEveryTableTheMigrationsCreate() throws SQLException {
        // A table added by a later migration must join TABLES, and with it the test above. The
        // history tables are Flyway's: one per set.
        try (Connection connection = migrated.getConnection()) {
            assertThat(queryStrings(connection, """
                    SELECT CASE WHEN schemaname = current_schema() THEN tablename
                                ELSE schemaname || '.' || tablename END
                    FROM pg_tables
                    WHERE schemaname IN (current_schema(), 'catalog', 'read_model')
                      AND tablename NOT IN ('flyway_schema_history', 'read_model_schema_history')
                    """)).containsExactlyInAnyOrderElementsOf(tables().toList());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"catalog", "read_model"})
    void commentsTheSchema(String schema) throws SQLException {
        try (Connection connection = migrated.getConnection()) {
            assertThat(queryString(connection, "SELECT obj_description('" + schema + "'::regnamespace, 'pg_namespace')"))
                    .isNotBlank();
        }
    }

    @Test
    void commentsTheGroupRoles() throws SQLException {
        try (Connection connection = migrated.getConnection()) {
            assertThat(queryStrings(connection, """
                    SELECT rolname FROM pg_roles
                    WHERE rolname IN ('outbox_writer', 'outbox_relay', 'outbox_consumer')
                      AND NOT rolcanlogin
                      AND coalesce(btrim(shobj_description(oid, 'pg_authid')), '') <> ''
                    ORDER BY rolname
                    """)).containsExactly("outbox_consumer", "outbox_relay", "outbox_writer");
        }
    }

    static Stream<String> tables() {
        return Stream.concat(Stream.of("outbox", "outbox_relay_instance", "outbox_relay_lease", "catalog.product"),
                READ_MODEL_TABLES.stream());
    }

    static void assertGroupRolesHoldTheirRights(Connection connection) throws SQLException {
        assertThat(queryString(connection, """
                SELECT concat_ws(',',
                    has_column_privilege('outbox_writer', 'outbox', 'payload', 'INSERT'),
                    has_table_privilege('outbox_writer', 'outbox', 'SELECT'),
                    has_table_privilege('outbox_relay', 'outbox', 'SELECT'),
                    has_column_privilege('outbox_relay', 'outbox', 'published_at', 'UPDATE'),
                    has_table_privilege('outbox_relay', 'outbox_relay_lease', 'UPDATE'),
                    has_table_privilege('outbox_consumer', 'read_model.order_summary', 'INSERT'),
                    has_table_privilege('outbox_consumer', 'read_model.applied_event', 'INSERT'),
                    has_table_privilege('outbox_consumer', 'catalog.product', 'SELECT'),
                    has_table_privilege('outbox_consumer', 'catalog.product', 'UPDATE'),
                    has_table_privilege('outbox_consumer', 'outbox', 'SELECT'))
                """)).isEqualTo("t,f,t,t,t,t,t,t,f,f");
    }

    static long queryLong(Connection connection, String sql) throws SQLException {
        return Long.parseLong(queryString(connection, sql));
    }

    static String queryString(Connection connection, String sql) throws SQLException {
        List<String> values = queryStrings(connection, sql);
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    static List<String> queryStrings(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
