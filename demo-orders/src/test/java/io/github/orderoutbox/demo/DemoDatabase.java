package io.github.orderoutbox.demo;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A fresh database on the shared test Postgres, set up as a deployment has it before the demo
 * starts: the login users of {@code deploy/postgres-roles.sql} (once per server, its
 * {@code :'var'} placeholders given as quoted literals) and the outbox migrations, which the relay
 * applies in a real deployment. The demo's own tables are left to the demo.
 */
public final class DemoDatabase {

    public static final String WRITER = "orders_app";
    public static final String WRITER_PASSWORD = "orders-app-secret";

    final PostgresServer postgres;
    final String name;
    public final DataSource admin;
    public final JdbcTemplate adminJdbc;

    private DemoDatabase(PostgresServer postgres, String name) {
        this.postgres = postgres;
        this.name = name;
        this.admin = postgres.dataSource(name);
        this.adminJdbc = new JdbcTemplate(admin);
    }

    public static DemoDatabase create(String prefix) {
        PostgresServer postgres = TestServers.postgres();
        createRoles(postgres);
        DemoDatabase database = new DemoDatabase(postgres, postgres.createDatabase(prefix));
        MigrationSet.OUTBOX.migrate(database.admin);
        return database;
    }

    /** A database as {@link #create} makes it, with the demo's own tables migrated as the demo does at start-up. */
    public static DemoDatabase migrated(String prefix) {
        DemoDatabase database = create(prefix);
        Flyway.configure().dataSource(database.admin).schemas("demo").locations("classpath:db/migration/demo")
                .table("demo_schema_history").placeholders(Map.of("writer", WRITER)).load().migrate();
        return database;
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(name);
    }

    /** A data source of the demo's login, as the service has it. */
    public DataSource writer() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setUser(WRITER);
        dataSource.setPassword(WRITER_PASSWORD);
        return dataSource;
    }

    /** The connection settings the demo is started with: its login, and the owner for its migration. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPRING_DATASOURCE_URL", jdbcUrl());
        environment.put("SPRING_DATASOURCE_USERNAME", WRITER);
        environment.put("SPRING_DATASOURCE_PASSWORD", WRITER_PASSWORD);
        environment.put("SPRING_FLYWAY_USER", postgres.adminUser());
        environment.put("SPRING_FLYWAY_PASSWORD", postgres.adminPassword());
        return environment;
    }

    /** Roles belong to the server, not to a database: created once, by the very lines the deployments run. */
    private static synchronized void createRoles(PostgresServer postgres) {
        DataSource server = postgres.dataSource(postgres.adminDatabase());
        JdbcTemplate jdbc = new JdbcTemplate(server);
        Integer existing = jdbc.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = ?", Integer.class, WRITER);
        if (existing != null && existing > 0) {
            return;
        }
        String sql = rolesSql()
                .replace(":'relay_password'", literal("relay-secret"))
                .replace(":'writer_password'", literal(WRITER_PASSWORD))
                .replace(":'consumer_password'", literal("consumer-secret"));
        try (Connection connection = server.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the roles of deploy/postgres-roles.sql", e);
        }
    }

    private static String rolesSql() {
        Path file = Path.of(System.getProperty("project.root", ".."), "deploy", "postgres-roles.sql");
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
