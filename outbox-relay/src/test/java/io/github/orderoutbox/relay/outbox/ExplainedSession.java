package io.github.orderoutbox.relay.outbox;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One database session that runs the relay's own {@link OutboxRepository} and hears, through
 * {@code auto_explain} at notice level, the plan of every statement it runs: the plan the server
 * really used, with whatever session settings the relay's code applies.
 */
final class ExplainedSession implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final SingleConnectionDataSource connection;
    private final List<String> notices = new ArrayList<>();
    final JdbcTemplate jdbc;
    final OutboxRepository outbox;
    /** Another connection to the same database, for the test's own set-up and checks (no plans heard). */
    final JdbcTemplate admin;

    /** A session on a fresh database of its own, with the outbox migrations applied. */
    static ExplainedSession onFreshOutbox(String prefix, String statementTimeout, boolean analyze) {
        PostgresServer postgres = TestServers.postgres();
        String database = postgres.createDatabase(prefix);
        MigrationSet.OUTBOX.migrate(postgres.dataSource(database));
        return new ExplainedSession(postgres, database, statementTimeout, analyze);
    }

    /**
     * @param analyze whether plans carry what each node really did ({@code auto_explain.log_analyze}):
     *                rows and loops
     */
    private ExplainedSession(PostgresServer postgres, String database, String statementTimeout, boolean analyze) {
        admin = new JdbcTemplate(postgres.dataSource(database));
        connection = new SingleConnectionDataSource(postgres.jdbcUrl(database), postgres.adminUser(),
                postgres.adminPassword(), true);
        jdbc = new JdbcTemplate(connection) {
            @Override
            protected void handleWarnings(Statement statement) throws SQLException {
                for (SQLWarning warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
                    notices.add(warning.getMessage());
                }
            }
        };
        jdbc.execute("LOAD 'auto_explain'");
        jdbc.execute("SET auto_explain.log_min_duration = 0");
        jdbc.execute("SET auto_explain.log_analyze = " + (analyze ? "on" : "off"));
        jdbc.execute("SET auto_explain.log_format = 'json'");
        jdbc.execute("SET auto_explain.log_level = 'notice'");
        jdbc.execute("SET client_min_messages = 'notice'");
        jdbc.execute("SET statement_timeout = '" + statementTimeout + "'");
        outbox = new OutboxRepository(jdbc, new TransactionTemplate(new DataSourceTransactionManager(connection)));
    }

    void set(String setting) {
        jdbc.execute(setting);
    }

    /** Runs {@code action} in this session and returns the plans of its statements whose text contains {@code fragment}. */
    List<JsonNode> plansOf(String fragment, Runnable action) {
        notices.clear();
        action.run();
        // Inside a transaction the executor ends, and auto_explain speaks, only when the portal is
        // dropped at commit: then the notice reaches the connection, not the statement.
        collectConnectionWarnings();
        List<JsonNode> plans = new ArrayList<>();
        for (String notice : notices) {
            int json = notice.indexOf('{');
            if (json >= 0) {
                JsonNode explained = JSON.readTree(notice.substring(json));
                if (explained.path("Query Text").asString("").contains(fragment)) {
                    plans.add(explained.path("Plan"));
                }
            }
        }
        return plans;
    }

    List<String> notices() {
        return List.copyOf(notices);
    }

    /** Every node of {@code plan}, the plan itself first, InitPlans and SubPlans included. */
    static List<JsonNode> nodes(JsonNode plan) {
        List<JsonNode> into = new ArrayList<>();
        collect(plan, into);
        return into;
    }

    static String pretty(JsonNode plan) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(plan);
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        for (JsonNode child : node.path("Plans")) {
            collect(child, into);
        }
    }

    private void collectConnectionWarnings() {
        try {
            Connection session = connection.getConnection();
            for (SQLWarning warning = session.getWarnings(); warning != null; warning = warning.getNextWarning()) {
                notices.add(warning.getMessage());
            }
            session.clearWarnings();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the notices of the session", e);
        }
    }

    @Override
    public void close() {
        connection.destroy();
    }
}
