package io.github.orderoutbox.relay.it;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.relay.OutboxRelayApplication;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.ServiceJar;
import io.github.orderoutbox.testsupport.ServiceSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One test's world: a fresh database with the outbox migrations applied, a topic of its own on a real
 * broker, and relays started against them, in this JVM or as separate processes ({@code java -jar}).
 * Closing it stops every relay it started.
 */
final class RelayFixture implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final PostgresServer postgres;
    final KafkaServer kafka;
    final String database;
    final String topic;
    final DataSource admin;
    final JdbcTemplate jdbc;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private RelayFixture(PostgresServer postgres, KafkaServer kafka, boolean migrate) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.database = postgres.createDatabase("relay");
        this.topic = "orders.events.it" + SEQUENCE.incrementAndGet() + "." + System.nanoTime() % 1_000_000;
        this.admin = postgres.dataSource(database);
        this.jdbc = new JdbcTemplate(admin);
        if (migrate) {
            MigrationSet.OUTBOX.migrate(admin);
            OrderWriter.createOrdersTable(jdbc);
        }
    }

    /** A fresh database with the outbox migrations applied. */
    static RelayFixture create(PostgresServer postgres, KafkaServer kafka) {
        return new RelayFixture(postgres, kafka, true);
    }

    /** A fresh, empty database: the relay is expected to apply the migrations itself. */
    static RelayFixture createUnmigrated(PostgresServer postgres, KafkaServer kafka) {
        return new RelayFixture(postgres, kafka, false);
    }

    /** The single number a {@code SELECT count(*) ...} returns. */
    long count(String sql) {
        Long count = jdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }

    /** Rows marked published so far. */
    long published() {
        return count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL");
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    /** Settings for a relay against this fixture, tuned for quick tests; {@code overrides} win. */
    Map<String, String> relaySettings(Map<String, String> overrides) {
        Map<String, String> settings = ServiceSettings.connections(postgres, database, kafka);
        settings.put("relay.topics.order", topic);
        settings.put("relay.topic-partitions", "6");
        settings.put("relay.heartbeat-interval", "300ms");
        settings.put("relay.lease-ttl", "3s");
        settings.put("relay.lease-safety-margin", "1s");
        settings.put("relay.stats-interval", "500ms");
        // Tests watch published rows through published_at; deleting on publish (the default) has its own test.
        settings.put("relay.retention", "1h");
        settings.put("server.port", "0");
        settings.put("logging.structured.format.console", "");
        settings.putAll(overrides);
        return settings;
    }

    /** Starts a relay in this JVM; {@code testSources} are configuration classes added to its context. */
    ConfigurableApplicationContext startRelay(Map<String, String> overrides, Class<?>... testSources) {
        // As command-line arguments: they outrank application.yml, as they do for the deployed jar.
        String[] args = relaySettings(overrides).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OutboxRelayApplication.class)
                .sources(testSources).run(args);
        contexts.add(context);
        return context;
    }

    /** Starts the packaged relay jar as its own OS process, so a test can kill it with SIGKILL. */
    Process startRelayProcess(Map<String, String> overrides, Path log) throws IOException {
        Process process = ServiceJar.start("relay.jar", relaySettings(overrides), log);
        processes.add(process);
        return process;
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
        for (Process process : processes) {
            process.destroyForcibly();
        }
    }
}
