package io.github.orderoutbox.localstack.database;

import io.github.orderoutbox.localstack.postgres.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes the cluster what docker-compose's {@code postgres} service is after its first start:
 * database {@code orders} owned by {@code orders}, and the least-privilege login users of
 * deploy/postgres-roles.sql. Both steps are skipped when done before, so a second start reuses
 * everything; the migrations are the services' own, at their start.
 */
public final class OrdersDatabase {

    static final String FIND_DATABASE = """
            SELECT 1 FROM pg_database WHERE datname = ?
            """;

    /** Postgres cannot bind identifiers as parameters; both names are constants of {@link DatabaseUsers}. */
    static final String CREATE_DATABASE = """
            CREATE DATABASE "%s" OWNER "%s"
            """;

    /** The script creates group roles and login users together, so the login users tell whether it ran. */
    static final String COUNT_LOGIN_USERS = """
            SELECT count(*) FROM pg_roles WHERE rolname IN (?, ?, ?)
            """;

    private OrdersDatabase() {
    }

    /** Creates what is missing; tells what it did, e.g. for the launcher's first lines. */
    public static String prepare(LocalPostgres postgres) {
        try {
            boolean created = createDatabaseIfMissing(postgres);
            boolean rolesCreated = createLoginUsersIfMissing(postgres);
            return (created ? "created database " + DatabaseUsers.DATABASE : "database " + DatabaseUsers.DATABASE + " kept")
                    + (rolesCreated ? ", created its login users" : "");
        } catch (SQLException e) {
            throw new IllegalStateException("could not prepare database " + DatabaseUsers.DATABASE + " on " + postgres, e);
        }
    }

    private static boolean createDatabaseIfMissing(LocalPostgres postgres) throws SQLException {
        try (Connection connection = postgres.dataSource(LocalPostgres.ADMIN_DATABASE).getConnection()) {
            try (PreparedStatement find = connection.prepareStatement(FIND_DATABASE)) {
                find.setString(1, DatabaseUsers.DATABASE);
                try (ResultSet found = find.executeQuery()) {
                    if (found.next()) {
                        return false;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute(CREATE_DATABASE.formatted(DatabaseUsers.DATABASE, DatabaseUsers.OWNER.user()));
            }
            return true;
        }
    }

    /**
     * The demo's products in the consumer's catalogue (deploy/demo-catalog.sql, as docker-compose's
     * demo-catalog service runs it), once the first consumer has created {@code catalog.product}.
     * The script changes nothing when run again.
     */
    public static void seedDemoCatalog(LocalPostgres postgres) {
        try (Connection connection = postgres.dataSource(DatabaseUsers.DATABASE).getConnection();
             Statement script = connection.createStatement()) {
            script.execute(resource("demo-catalog.sql"));
        } catch (SQLException e) {
            throw new IllegalStateException("could not add the demo's products to catalog.product on " + postgres, e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = OrdersDatabase.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the launcher's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** In one transaction: a script that failed half-way leaves nothing, and runs again next start. */
    private static boolean createLoginUsersIfMissing(LocalPostgres postgres) throws SQLException {
        try (Connection connection = postgres.dataSource(DatabaseUsers.DATABASE).getConnection()) {
            try (PreparedStatement count = connection.prepareStatement(COUNT_LOGIN_USERS)) {
                count.setString(1, DatabaseUsers.WRITER.user());
                count.setString(2, DatabaseUsers.RELAY.user());
                count.setString(3, DatabaseUsers.CONSUMER.user());
                try (ResultSet counted = count.executeQuery()) {
                    counted.next();
                    if (counted.getInt(1) == 3) {
                        return false;
                    }
                }
            }
            connection.setAutoCommit(false);
            try (Statement script = connection.createStatement()) {
                script.execute(RolesScript.withDevelopmentPasswords());
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
            return true;
        }
    }
}
