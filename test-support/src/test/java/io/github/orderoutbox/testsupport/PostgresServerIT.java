package io.github.orderoutbox.testsupport;

import static io.github.orderoutbox.testsupport.ServerAssumptions.assumeStoppable;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class PostgresServerIT {

    private static final String CREATE_NOTES = """
            CREATE TABLE note (id int PRIMARY KEY, body text NOT NULL)
            """;
    private static final String INSERT_NOTE = """
            INSERT INTO note (id, body) VALUES (?, ?)
            """;
    private static final String NOTE_BODIES = """
            SELECT body FROM note ORDER BY id
            """;

    @Test
    void createsDatabasesThatKeepWhatIsWritten() throws SQLException {
        PostgresServer postgres = TestServers.postgres();

        String first = postgres.createDatabase("round-trip");
        String second = postgres.createDatabase("round-trip");
        execute(postgres.dataSource(first), CREATE_NOTES);
        execute(postgres.dataSource(first), INSERT_NOTE, 1, "hello");

        assertThat(first).isNotEqualTo(second).startsWith("round_trip_");
        assertThat(noteBodies(postgres.dataSource(first))).containsExactly("hello");
        assertThat(postgres.jdbcUrl(first)).startsWith("jdbc:postgresql://").endsWith("/" + first);
    }

    @Test
    void comesBackWithItsDataAfterBeingKilledOrStopped() throws SQLException {
        try (PostgresServer postgres = TestServers.startDedicatedPostgres()) {
            assumeStoppable(postgres);
            String database = postgres.createDatabase("fault");
            DataSource dataSource = postgres.dataSource(database);
            execute(dataSource, CREATE_NOTES);
            execute(dataSource, INSERT_NOTE, 1, "before kill");

            postgres.kill();
            assertThat(postgres.isAnswering()).isFalse();
            postgres.start();
            execute(dataSource, INSERT_NOTE, 2, "before stop");

            postgres.stop();
            assertThat(postgres.isAnswering()).isFalse();
            postgres.start();

            assertThat(noteBodies(dataSource)).containsExactly("before kill", "before stop");
        }
    }

    @Test
    void startsWithTheServerSettingsAskedFor() throws SQLException {
        try (PostgresServer postgres = TestServers.startDedicatedPostgres(Map.of("wal_level", "logical"))) {
            assumeStoppable(postgres); // a server given by the environment keeps its own settings
            DataSource dataSource = postgres.dataSource(postgres.adminDatabase());

            assertThat(show(dataSource, "wal_level")).isEqualTo("logical");
            postgres.stop();
            postgres.start();
            assertThat(show(dataSource, "wal_level")).isEqualTo("logical");
        }
    }

    private static String show(DataSource dataSource, String setting) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT current_setting(?)")) {
            statement.setString(1, setting);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private static void execute(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }

    private static List<String> noteBodies(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(NOTE_BODIES);
                ResultSet rows = statement.executeQuery()) {
            List<String> bodies = new ArrayList<>();
            while (rows.next()) {
                bodies.add(rows.getString(1));
            }
            return bodies;
        }
    }
}
