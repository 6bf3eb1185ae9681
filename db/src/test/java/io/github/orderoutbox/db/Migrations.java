package io.github.orderoutbox.db;

import javax.sql.DataSource;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.output.MigrateResult;
import org.postgresql.ds.PGSimpleDataSource;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/** Applies this module's migration sets the way a deployment does: Flyway, through {@link MigrationSet}. */
final class Migrations {

    private Migrations() {
    }

    /**
     * A fresh database on the shared test server with {@code sets} applied in the order given, as the
     * server's admin; returns its name.
     */
    static String freshMigratedDatabase(String prefix, MigrationSet... sets) {
        PostgresServer server = TestServers.postgres();
        String database = server.createDatabase(prefix);
        DataSource dataSource = server.dataSource(database);
        for (MigrationSet set : sets) {
            apply(set, dataSource);
        }
        return database;
    }

    static MigrateResult apply(MigrationSet set, DataSource dataSource, Callback... callbacks) {
        return set.configure(dataSource).callbacks(callbacks).load().migrate();
    }

    static MigrateResult apply(MigrationSet set, String url, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return apply(set, dataSource);
    }
}
