package io.github.orderoutbox.writer;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/**
 * A fresh database on the shared test server with the outbox migrations of module {@code db}
 * ({@link MigrationSet#OUTBOX}) applied, plus a small {@code orders} table standing for the orders service's business rows.
 */
record MigratedDatabase(PostgresServer server, String name, DataSource adminDataSource) {

    private static final String CREATE_ORDERS = """
            CREATE TABLE orders (
                id     text PRIMARY KEY,
                status text NOT NULL
            )
            """;

    static MigratedDatabase create(String prefix) {
        PostgresServer server = TestServers.postgres();
        String name = server.createDatabase(prefix);
        DataSource dataSource = server.dataSource(name);
        MigrationSet.OUTBOX.migrate(dataSource);
        new JdbcTemplate(dataSource).execute(CREATE_ORDERS);
        return new MigratedDatabase(server, name, dataSource);
    }

    JdbcTemplate adminJdbc() {
        return new JdbcTemplate(adminDataSource);
    }
}
