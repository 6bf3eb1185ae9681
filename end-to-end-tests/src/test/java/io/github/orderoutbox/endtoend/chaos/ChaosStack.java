package io.github.orderoutbox.endtoend.chaos;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.ServiceSettings;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The system under chaos, every part its own OS process: Postgres, a Kafka broker and Redis
 * (dedicated test servers, so they can be killed and restarted on the same port and data), two
 * relays and two consumers from their packaged jars. The second relay and the second consumer
 * reach Postgres through a {@link TcpProxy}, so that their link can be cut or slowed alone.
 *
 * <p>Kafka is reached directly by everyone: a proxy in front of the broker would only carry the
 * bootstrap connection, because clients then connect to the broker's advertised listener, which
 * test-support sets to the broker's own port. Kafka faults are the broker's kill instead.
 */
final class ChaosStack implements AutoCloseable {

    static final String TOPIC = "orders.events";
    static final String DEAD_LETTER_TOPIC = "orders.events.dlq";
    static final String GROUP = "order-read-model";
    static final int PARTITIONS = 6;
    /**
     * Shorter than the shipped 10 s so that a killed or paused relay's buckets move within the
     * time of one fault, and a run of about ten minutes holds every kind of fault; the relation
     * between the three (margin below the ttl, several heartbeats per ttl) is the shipped one.
     */
    static final Duration LEASE_TTL = Duration.ofSeconds(4);

    final PostgresServer postgres;
    final KafkaServer kafka;
    final RedisServer redis;
    final String database;
    final TcpProxy postgresProxy;
    final List<Service> relays = new ArrayList<>();
    final List<Service> consumers = new ArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    ChaosStack(Path logs) throws IOException {
        postgres = closeLater(TestServers.startDedicatedPostgres());
        kafka = closeLater(TestServers.startDedicatedKafka());
        redis = closeLater(TestServers.startDedicatedRedis());
        // Servers given by the environment cannot be killed: the run is skipped, not faked.
        ServerAssumptions.assumeStoppable(postgres);
        ServerAssumptions.assumeStoppable(kafka);
        ServerAssumptions.assumeStoppable(redis);
        database = postgres.createDatabase("chaos");
        PGSimpleDataSource admin = dataSource();
        MigrationSet.OUTBOX.migrate(admin);
        MigrationSet.READ_MODEL.migrate(admin);
        execute("INSERT INTO catalog.product (sku, name, category) VALUES"
                + " ('SKU-1', 'Espresso cup', 'kitchen'), ('SKU-2', 'Teapot', 'kitchen'), ('SKU-3', 'Desk lamp', 'office')");
        OrderWriters.createShopTables(this);
        kafka.createTopic(TOPIC, PARTITIONS);
        kafka.createTopic(DEAD_LETTER_TOPIC, PARTITIONS);
        postgresProxy = closeLater(new TcpProxy(postgres.host(), postgres.port()));

        for (int i = 1; i <= 2; i++) {
            boolean proxied = i == 2;
            relays.add(closeLater(new Service("relay-" + i, "relay.jar", relaySettings(proxied), logs)));
            consumers.add(closeLater(new Service("consumer-" + i, "consumer.jar", consumerSettings(proxied), logs)));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "chaos-stack-shutdown"));
    }

    void startServices() {
        relays.forEach(Service::start);
        consumers.forEach(Service::start);
        relays.forEach(service -> service.awaitHttp(Duration.ofMinutes(5)));
        consumers.forEach(service -> service.awaitHttp(Duration.ofMinutes(5)));
    }

    List<Service> services() {
        List<Service> all = new ArrayList<>(relays);
        all.addAll(consumers);
        return all;
    }

    /** An unpooled data source straight to the database (not through the proxy). */
    PGSimpleDataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(postgres.jdbcUrl(database));
        dataSource.setUser(postgres.adminUser());
        dataSource.setPassword(postgres.adminPassword());
        dataSource.setConnectTimeout(3);
        dataSource.setSocketTimeout(60);
        dataSource.setTcpKeepAlive(true);
        return dataSource;
    }

    void execute(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private Map<String, String> connections(boolean proxied) {
        Map<String, String> settings = ServiceSettings.connections(postgres, database, kafka);
        if (proxied) {
            settings.put("spring.datasource.url",
                    "jdbc:postgresql://127.0.0.1:" + postgresProxy.port() + "/" + database);
        }
        // A dead connection is noticed within seconds, not at the kernel's TCP timeout.
        settings.put("spring.datasource.hikari.connection-timeout", "5000");
        settings.put("spring.datasource.hikari.data-source-properties.socketTimeout", "30");
        settings.put("spring.datasource.hikari.data-source-properties.tcpKeepAlive", "true");
        return settings;
    }

    private Map<String, String> relaySettings(boolean proxied) {
        Map<String, String> settings = connections(proxied);
        settings.put("relay.retention", "6h"); // the checker reads every row the writers committed
        settings.put("relay.lease-ttl", LEASE_TTL.toMillis() + "ms");
        settings.put("relay.lease-safety-margin", "1s");
        settings.put("relay.heartbeat-interval", "500ms");
        settings.put("relay.outage-backoff-max", "5s");
        settings.put("relay.retry-backoff-max", "10s");
        settings.put("relay.topic-partitions", Integer.toString(PARTITIONS));
        return settings;
    }

    private Map<String, String> consumerSettings(boolean proxied) {
        Map<String, String> settings = connections(proxied);
        settings.put("spring.data.redis.url", redis.url());
        settings.put("consumer.retry-backoff-min", "100ms");
        settings.put("consumer.retry-backoff-max", "2s");
        settings.put("consumer.redis-pause-after-failure", "500ms");
        // Rebalances in seconds after a kill, not the broker's default 45 s session.
        settings.put("consumer.consumer.session.timeout.ms", "6000");
        settings.put("consumer.consumer.heartbeat.interval.ms", "1000");
        return settings;
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                // best effort: everything else is still closed
            }
        }
        toClose.clear();
    }
}
