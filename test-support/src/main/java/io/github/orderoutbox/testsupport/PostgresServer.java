package io.github.orderoutbox.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real Postgres server with an admin (superuser) account. Tests share one server and keep apart
 * by {@linkplain #createDatabase(String) creating a database} each.
 */
public interface PostgresServer extends TestServer {

    String host();

    int port();

    String adminUser();

    String adminPassword();

    /** The database the admin user connects to when no other is named, usually {@code postgres}. */
    String adminDatabase();

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /**
     * Creates a fresh empty database and returns its name: the prefix made safe for an identifier,
     * a counter and a random part, e.g. {@code relay_it_3_5f0c1e}.
     */
    default String createDatabase(String prefix) {
        return FreshDatabase.create(this, prefix);
    }

    /** A simple, unpooled data source for the admin user. */
    default DataSource dataSource(String database) {
        return adminDataSource(database);
    }

    @Override
    default boolean isAnswering() {
        PGSimpleDataSource dataSource = adminDataSource(adminDatabase());
        dataSource.setConnectTimeout(2);
        dataSource.setSocketTimeout(5);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            return statement.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    private PGSimpleDataSource adminDataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl(database));
        dataSource.setUser(adminUser());
        dataSource.setPassword(adminPassword());
        return dataSource;
    }
}
