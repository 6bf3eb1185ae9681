package io.github.orderoutbox.db;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * One of the two independent sets of Flyway migrations in this module, each with its own location
 * and its own history table.
 *
 * <p>Two sets, because the read model may live in another Postgres database than the outbox (a
 * reporting database): each side must be migratable alone, and each owns its history, so that
 * neither side's versions depend on the other's. In one shared database the two history tables
 * sit side by side, e.g. {@code flyway_schema_history} holding versions 1 to 3 of the outbox and
 * {@code read_model_schema_history} versions 1 and 2 of the read model.
 */
public enum MigrationSet {

    /** The outbox, the relay's bucket leases and the writer's and relay's roles: for outbox-relay and writers. */
    OUTBOX("classpath:db/migration/outbox", "flyway_schema_history"),

    /** The catalogue, the read model, the consumer's bookkeeping and its role: for event-consumer. */
    READ_MODEL("classpath:db/migration/read-model", "read_model_schema_history");

    private final String location;
    private final String historyTable;

    MigrationSet(String location, String historyTable) {
        this.location = location;
        this.historyTable = historyTable;
    }

    /** Where Flyway finds this set's scripts, e.g. {@code classpath:db/migration/outbox}. */
    public String location() {
        return location;
    }

    /** The table in the database's default schema where Flyway records this set's applied versions. */
    public String historyTable() {
        return historyTable;
    }

    /** Flyway configured for this set against {@code dataSource}; callers may add callbacks and the like. */
    public FluentConfiguration configure(DataSource dataSource) {
        // Flyway refuses to start a history in a schema that already holds anything, and the schema
        // of either set rarely starts empty: the orders service's tables sit beside the outbox, and
        // in a shared database the other set got there first (the outbox's tables, or at least
        // read_model_schema_history). Baselining such a schema at version 0 records a marker and
        // then applies every migration from V1, exactly as into an empty one; a migration that meets
        // an object of its own already there still fails loudly (e.g. "relation outbox already exists").
        return Flyway.configure().dataSource(dataSource).locations(location()).table(historyTable())
                .baselineOnMigrate(true).baselineVersion("0");
    }

    /** Applies this set's pending migrations to {@code dataSource}. */
    public MigrateResult migrate(DataSource dataSource) {
        return configure(dataSource).load().migrate();
    }
}
