package io.github.orderoutbox.writer;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/**
 * A fresh database on the shared test server with the outbox migrations of module {@code db}
 * applied, plus a small {@code orders} table standing for the orders service's business rows.
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
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        new JdbcTemplate(dataSource).execute(CREATE_ORDERS);
        return new MigratedDatabase(server, name, dataSource);
    }

    JdbcTemplate adminJdbc() {
        return new JdbcTemplate(adminDataSource);
    }
}
