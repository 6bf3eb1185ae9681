package io.github.orderoutbox.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * What the other sessions of one database are doing, sampled: working ({@code active}), waiting
 * for a lock, or waiting for their client inside a transaction. Averaged over the samples, each
 * figure is how many sessions were in that state at a time, e.g. {@code Lock:transactionid 0.6}
 * when consumers queue behind each other's row locks. One connection is held for all samples, so
 * sampling forks no backends.
 */
final class PostgresActivity implements AutoCloseable {

    static final String SAMPLE = """
            SELECT CASE WHEN state = 'active' THEN coalesce(wait_event_type || ':' || wait_event, 'working')
                        ELSE state || coalesce(' (' || wait_event || ')', '') END,
                   count(*)
              FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
               AND state <> 'idle'
             GROUP BY 1
            """;

    private final Connection connection;
    private final Map<String, Long> sessions = new TreeMap<>();
    private long samples;

    PostgresActivity(DataSource dataSource) throws SQLException {
        this.connection = dataSource.getConnection();
    }

    void sample() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(SAMPLE)) {
            while (rs.next()) {
                sessions.merge(rs.getString(1), rs.getLong(2), Long::sum);
            }
        }
        samples++;
    }

    /** Sessions per state on average, busiest first, e.g. "working 0.42, idle in transaction (ClientRead) 0.31". */
    String summary() {
        if (samples == 0) {
            return "n/a";
        }
        StringBuilder out = new StringBuilder();
        sessions.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> (double) e.getValue() / samples >= 0.005) // a state seen once or twice in a run says nothing
                .forEach(e -> out.append(String.format("%s %.2f, ", e.getKey(), (double) e.getValue() / samples)));
        return out.length() == 0 ? "all idle" : out.substring(0, out.length() - 2);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
