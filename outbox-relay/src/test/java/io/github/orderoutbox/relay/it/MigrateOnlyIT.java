package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Migrations as a separate step: {@code --relay.migrate-only=true} applies the outbox set and exits,
 * also into a database whose read model is already there, and a relay told not to migrate never
 * creates the schema itself.
 */
class MigrateOnlyIT {

    private static final String TABLES = """
            SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY tablename
            """;

    private RelayFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = RelayFixture.createUnmigrated(TestServers.postgres(), TestServers.kafka());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void migrateOnlyAppliesTheMigrationsAndExitsWithZero() throws Exception {
        runMigrateOnly("empty");

        assertThat(fixture.jdbc.queryForList(TABLES, String.class))
                .contains("outbox", "outbox_relay_lease", "outbox_relay_instance", "flyway_schema_history")
                .doesNotContain("read_model_schema_history");
        assertThat(fixture.jdbc.queryForObject("SELECT count(*) FROM outbox_relay_lease", Long.class)).isEqualTo(256);
        assertThat(fixture.jdbc.queryForObject(
                "SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL", Long.class))
                .as("buckets leased: a migrate-only run must not start relaying").isZero();
        assertThat(fixture.jdbc.queryForList(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank", String.class))
                .as("the outbox set only: the read model's set is the consumer's")
                .containsExactly("1", "2", "3", "4", "5");
        assertThat(fixture.jdbc.queryForObject(
                "SELECT count(*) FROM pg_namespace WHERE nspname IN ('catalog', 'read_model')", Long.class))
                .isZero();
    }

    @Test
    void migrateOnlyAppliesTheOutboxSetBesideAReadModelAlreadyThere() throws Exception {
        // The consumer's side got to the shared database first, with a history table of its own.
        MigrationSet.READ_MODEL.migrate(fixture.admin);

        runMigrateOnly("beside-read-model");

        assertThat(fixture.jdbc.queryForObject("SELECT count(*) FROM outbox_relay_lease", Long.class)).isEqualTo(256);
        assertThat(fixture.jdbc.queryForList(
                "SELECT version FROM flyway_schema_history WHERE success AND type = 'SQL' ORDER BY installed_rank",
                String.class)).containsExactly("1", "2", "3", "4", "5");
        assertThat(fixture.jdbc.queryForList(
                "SELECT version FROM read_model_schema_history WHERE success ORDER BY installed_rank", String.class))
                .as("the read model's history, untouched").containsExactly("1", "2");
    }

    @Test
    void relayWithFlywayDisabledDoesNotCreateTheSchema() throws Exception {
        try {
            fixture.startRelay(Map.of("spring.flyway.enabled", "false"));
            Thread.sleep(2_000); // heartbeats, polls, stats and retention all had a go at the missing tables
        } catch (RuntimeException failedToStart) {
            // Acceptable: what matters is that nothing was created.
        }

        List<String> tables = fixture.jdbc.queryForList(TABLES, String.class);
        assertThat(tables).isEmpty();
    }

    /** Runs {@code java -jar ... --relay.migrate-only=true} against the fixture's database and expects exit code 0. */
    private void runMigrateOnly(String name) throws Exception {
        Path log = Path.of("target", "it-logs", "MigrateOnlyIT-" + name + "-" + fixture.database + ".log");
        Process relay = fixture.startRelayProcess(Map.of(
                "relay.migrate-only", "true",
                "spring.flyway.enabled", "true"), log);

        boolean exited = relay.waitFor(60, TimeUnit.SECONDS);
        String output = Files.exists(log) ? Files.readString(log) : "";
        assertThat(exited).as("exited within 60 s; output:\n%s", output).isTrue();
        assertThat(relay.exitValue()).as("exit code; output:\n%s", output).isZero();
    }
}
