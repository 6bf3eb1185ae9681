package io.github.orderoutbox.testsupport.environment;

import io.github.orderoutbox.testsupport.PostgresServer;
import java.net.URI;

/**
 * A Postgres server given as a JDBC URL to an admin-capable database, e.g.
 * {@code jdbc:postgresql://db.example:5432/postgres?sslmode=disable}. Query parameters are kept
 * on the URLs of the databases the tests create.
 */
public record EnvironmentPostgresServer(
        String host, int port, String adminDatabase, String adminUser, String adminPassword, String query)
        implements PostgresServer, GivenEndpoint {

    private static final String JDBC_PREFIX = "jdbc:";
    private static final int DEFAULT_PORT = 5432;

    public static EnvironmentPostgresServer fromJdbcUrl(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith(JDBC_PREFIX + "postgresql://")) {
            throw new IllegalArgumentException("not a jdbc:postgresql:// URL: " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring(JDBC_PREFIX.length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        return new EnvironmentPostgresServer(
                uri.getHost(),
                uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(),
                path.isEmpty() ? "postgres" : path,
                user,
                password,
                uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + query;
    }

    @Override
    public String toString() {
        return "Postgres at " + host + ":" + port + " (env)";
    }
}
