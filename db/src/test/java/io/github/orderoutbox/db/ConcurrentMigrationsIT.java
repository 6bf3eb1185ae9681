package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationSet.OUTBOX;
import static io.github.orderoutbox.db.MigrationSet.READ_MODEL;
import static io.github.orderoutbox.db.MigrationsIT.assertGroupRolesHoldTheirRights;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;

/**
 * Several databases of one cluster migrated at once, e.g. the relays of four tenants starting
 * together. Flyway's lock is per database, so their runs of the outbox set's V3 (and then of the
 * read-model set's V2) race to create the cluster-wide roles: each finds a role missing, one creates
 * it, the others wait on the role name's unique index until the first commits. The test makes the race certain rather than lucky: it
 * uses a server of its own (no roles yet, when test-support can start one), starts the four runs of
 * each role-creating migration together and holds each such transaction open for a while before its
 * commit.
 */
class ConcurrentMigrationsIT {

    private static final int DATABASES = 4;
    /** The outbox set's migration that creates group roles: V3 (writer, relay). */
    private static final String OUTBOX_ROLES = "3";
    /** The read-model set's migration that creates a group role: V2 (consumer). */
    private static final String READ_MODEL_ROLES = "2";

    @Test
    void migratesSeveralDatabasesOfANewClusterAtTheSameTime() throws Exception {
        try (PostgresServer server = TestServers.startDedicatedPostgres()) {
            List<DataSource> databases = new ArrayList<>();
            for (int i = 0; i < DATABASES; i++) {
                databases.add(server.dataSource(server.createDatabase("concurrent")));
            }
            RaceOnRoles outboxRace = new RaceOnRoles(DATABASES, OUTBOX_ROLES);
            RaceOnRoles readModelRace = new RaceOnRoles(DATABASES, READ_MODEL_ROLES);

            ExecutorService executor = Executors.newFixedThreadPool(DATABASES);
            try {
                List<Callable<List<MigrateResult>>> migrations = databases.stream()
                        .<Callable<List<MigrateResult>>>map(database -> () -> {
                            MigrateResult outbox = Migrations.apply(OUTBOX, database, outboxRace);
                            MigrateResult readModel = Migrations.apply(READ_MODEL, database, readModelRace);
                            return List.of(outbox, readModel);
                        })
                        .toList();
                for (Future<List<MigrateResult>> results : executor.invokeAll(migrations, 2, TimeUnit.MINUTES)) {
                    assertThat(results.get()).hasSize(2).allSatisfy(result -> assertThat(result.success).isTrue());
                }
            } finally {
                executor.shutdownNow();
            }

            for (DataSource database : databases) {
                try (Connection connection = database.getConnection()) {
                    assertGroupRolesHoldTheirRights(connection);
                }
            }
        }
    }

    /**
     * Starts every run of one set's role-creating migration at once, and keeps each such transaction
     * open for a moment before it commits.
     */
    private static final class RaceOnRoles implements Callback {

        private final CyclicBarrier start;
        private final String version;

        RaceOnRoles(int parties, String version) {
            this.start = new CyclicBarrier(parties);
            this.version = version;
        }

        @Override
        public boolean supports(Event event, Context context) {
            return (event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE)
                    && context.getMigrationInfo() != null
                    && version.equals(context.getMigrationInfo().getVersion().getVersion());
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            try {
                if (event == Event.BEFORE_EACH_MIGRATE) {
                    start.await(1, TimeUnit.MINUTES);
                } else {
                    Thread.sleep(500);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String getCallbackName() {
            return "race-on-roles";
        }
    }
}
