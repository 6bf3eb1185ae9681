package io.github.orderoutbox.db;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.output.MigrateResult;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/** Applies this module's migrations the way a deployment does: Flyway, {@code classpath:db/migration}. */
final class Migrations {

    static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    /** A fresh database on the shared test server, migrated as the server's admin; returns its name. */
    static String freshMigratedDatabase(String prefix) {
        PostgresServer server = TestServers.postgres();
        String database = server.createDatabase(prefix);
        apply(server.dataSource(database));
        return database;
    }

    static MigrateResult apply(DataSource dataSource, Callback... callbacks) {
        return Flyway.configure().dataSource(dataSource).locations(LOCATION).callbacks(callbacks).load().migrate();
    }

    static MigrateResult apply(String url, String user, String password) {
        return Flyway.configure().dataSource(url, user, password).locations(LOCATION).load().migrate();
    }
}
