package io.github.orderoutbox.consumer.it;

import io.github.orderoutbox.consumer.EventConsumerApplication;
import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.ServiceJar;
import io.github.orderoutbox.testsupport.RedisServer;
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
 * One test's world: a fresh database with the read-model migrations applied and a few products
 * in the catalogue, a topic of its own (and its dead-letter topic) on a real broker, a Redis key
 * prefix of its own, and consumers started against them, in this JVM or as separate processes
 * ({@code java -jar}). Closing it stops every consumer it started.
 */
final class ConsumerFixture implements AutoCloseable {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    static final int PARTITIONS = 4;

    final PostgresServer postgres;
    final KafkaServer kafka;
    final RedisServer redis;
    final String database;
    final String topic;
    final String deadLetterTopic;
    final String group;
    final String redisPrefix;
    final DataSource admin;
    final JdbcTemplate jdbc;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    ConsumerFixture(PostgresServer postgres, KafkaServer kafka, RedisServer redis) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.redis = redis;
        int n = SEQUENCE.incrementAndGet();
        String unique = n + "." + System.nanoTime() % 1_000_000;
        this.database = postgres.createDatabase("consumer");
        this.topic = "orders.events.cit" + unique;
        this.deadLetterTopic = topic + ".dlq";
        this.group = "read-model-it" + unique;
        this.redisPrefix = "it" + unique + ":applied:";
        this.admin = postgres.dataSource(database);
        this.jdbc = new JdbcTemplate(admin);
        MigrationSet.READ_MODEL.migrate(admin);
        jdbc.update("INSERT INTO catalog.product (sku, name, category) VALUES"
                + " ('SKU-1', 'Espresso cup', 'kitchen'), ('SKU-2', 'Teapot', 'kitchen'), ('SKU-3', 'Desk lamp', 'office')");
        kafka.createTopic(topic, PARTITIONS);
    }

    long count(String sql, Object... args) {
        Long count = jdbc.queryForObject(sql, Long.class, args);
        return count == null ? 0 : count;
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    /** Settings for a consumer against this fixture, quick to react in tests; {@code overrides} win. */
    Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> settings = ServiceSettings.connections(postgres, database, kafka);
        settings.put("spring.data.redis.url", redis.url());
        settings.put("consumer.topic", topic);
        settings.put("consumer.dead-letter-topic", deadLetterTopic);
        settings.put("consumer.group-id", group);
        settings.put("consumer.redis-key-prefix", redisPrefix);
        settings.put("consumer.poll-timeout", "100ms");
        settings.put("consumer.retry-backoff-min", "100ms");
        settings.put("consumer.retry-backoff-max", "1s");
        settings.put("consumer.redis-pause-after-failure", "500ms");
        // Rebalances in seconds, not the broker's default minutes, when a test kills or starts a consumer.
        settings.put("consumer.consumer.session.timeout.ms", "6000");
        settings.put("consumer.consumer.heartbeat.interval.ms", "1000");
        settings.put("server.port", "0");
        settings.put("logging.structured.format.console", "");
        settings.putAll(overrides);
        return settings;
    }

    /** Starts a consumer in this JVM. */
    ConfigurableApplicationContext startConsumer(Map<String, String> overrides) {
        String[] args = settings(overrides).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(EventConsumerApplication.class).run(args);
        contexts.add(context);
        return context;
    }

    ConfigurableApplicationContext startConsumer() {
        return startConsumer(Map.of());
    }

    /** Starts the packaged consumer jar as its own OS process, so a test can kill it with SIGKILL. */
    Process startConsumerProcess(Map<String, String> overrides, Path log) throws IOException {
        Process process = ServiceJar.start("consumer.jar", settings(overrides), log);
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
