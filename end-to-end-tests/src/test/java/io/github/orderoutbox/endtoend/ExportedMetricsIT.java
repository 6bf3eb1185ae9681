package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.endtoend.files.PrometheusQueries;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.ServiceJar;
import io.github.orderoutbox.testsupport.ServiceSettings;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every metric the shipped Grafana dashboard and Prometheus alert rules read is one the services
 * really export: the packaged relay and consumer (and the demo orders service, once its jar is
 * built) run against real servers, an order and a poisoned event go through, and their
 * {@code /actuator/prometheus} pages are compared with the queries. A renamed meter otherwise leaves
 * a panel empty and an alert silent, with nothing to say so.
 */
class ExportedMetricsIT {

    private static final String PROMETHEUS = "/actuator/prometheus";
    private static final String READINESS = "/actuator/health/readiness";
    private static final Duration START = Duration.ofMinutes(2);

    private final List<RunningService> services = new ArrayList<>();

    @AfterEach
    void stopServices() {
        services.forEach(RunningService::close);
    }

    @Test
    void everyMetricTheDashboardsAndAlertRulesReadIsExportedBySomeService() throws Exception {
        PostgresServer postgres = TestServers.postgres();
        KafkaServer kafka = TestServers.kafka();
        RedisServer redis = TestServers.redis();
        String database = postgres.createDatabase("metrics");
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String topic = "orders.events.metrics" + unique;
        Path logs = Path.of("target", "exported-metrics-it");

        Map<String, String> relay = ServiceSettings.connections(postgres, database, kafka);
        relay.put("spring.flyway.enabled", "true");
        relay.put("relay.topics.order", topic);
        relay.put("relay.stats-interval", "500ms");
        relay.put("logging.structured.format.console", "");
        services.add(start("relay.jar", relay, logs.resolve("relay.log")).awaitReady(READINESS, START));

        Map<String, String> consumer = ServiceSettings.connections(postgres, database, kafka);
        consumer.put("spring.flyway.enabled", "true");
        consumer.put("spring.data.redis.url", redis.url());
        consumer.put("consumer.topic", topic);
        consumer.put("consumer.dead-letter-topic", topic + ".dlq");
        consumer.put("consumer.group-id", "metrics-it" + unique);
        consumer.put("consumer.redis-key-prefix", "metrics-it" + unique + ":applied:");
        consumer.put("logging.structured.format.console", "");
        services.add(start("consumer.jar", consumer, logs.resolve("consumer.log")).awaitReady(READINESS, START));

        // The demo orders service is built by its own module; its metrics count once its jar exists.
        File demoJar = new File(System.getProperty("demo.jar", "-"));
        if (demoJar.isFile()) {
            services.add(startDemo(demoJar, postgres, database, logs.resolve("demo.log")).awaitReady(READINESS, START));
        }

        DataSource admin = postgres.dataSource(database);
        insertOutboxRow(admin, "order-1", """
                {"order_id": "order-1", "customer_id": "c-1", "lines": [{"line_id": "1", "sku": "SKU-1", "quantity": 2,
                  "unit_price": {"amount": "4.50", "currency": "EUR"}, "line_total": {"amount": "9.00", "currency": "EUR"}}],
                  "total": {"amount": "9.00", "currency": "EUR"}, "placed_at": "2026-11-28T10:00:00Z"}""");
        // Not what OrderPlaced's schema says: dead-lettered, and its order blocked.
        insertOutboxRow(admin, "order-2", "{\"order_id\": \"order-2\"}");
        await("order-1 applied to the read model").atMost(Duration.ofMinutes(1))
                .until(() -> count(admin, "SELECT count(*) FROM read_model.order_summary WHERE order_id = 'order-1'") == 1);

        Map<String, String> queries = PrometheusQueries.shipped();
        assertThat(queries).isNotEmpty();
        Map<String, Set<String>> missing = new TreeMap<>();
        // Gauges of partitions and lag appear with the first poll and refresh; give them a few seconds.
        try {
            await("every metric the queries read").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    missing.clear();
                    Set<String> exported = scrapeAll();
                    queries.forEach((where, query) -> {
                        for (String metric : PrometheusQueries.metricNames(query)) {
                            if (!exported.contains(metric) && !PrometheusQueries.SYNTHETIC.contains(metric)) {
                                missing.computeIfAbsent(metric, m -> new TreeSet<>()).add(where);
                            }
                        }
                    });
                    return missing.isEmpty();
                });
        } catch (ConditionTimeoutException e) {
            // The assertion below names what is missing, and where it is read.
        }
        assertThat(missing).as("metrics read by the dashboards and alert rules that no service exports").isEmpty();
    }

    private RunningService start(String jarProperty, Map<String, String> settings, Path log) throws IOException {
        int port = RunningService.freePort();
        Map<String, String> withPort = new HashMap<>(settings);
        withPort.put("server.port", Integer.toString(port));
        return new RunningService(jarProperty, ServiceJar.start(jarProperty, withPort, log), port, log);
    }

    /** The demo as docker-compose.yml configures it, by environment, writing a few orders slowly. */
    private static RunningService startDemo(File jar, PostgresServer postgres, String database, Path log) throws IOException {
        int port = RunningService.freePort();
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.getPath());
        Map<String, String> environment = builder.environment();
        environment.put("SPRING_DATASOURCE_URL", postgres.jdbcUrl(database));
        environment.put("SPRING_DATASOURCE_USERNAME", postgres.adminUser());
        environment.put("SPRING_DATASOURCE_PASSWORD", postgres.adminPassword());
        environment.put("SPRING_FLYWAY_USER", postgres.adminUser());
        environment.put("SPRING_FLYWAY_PASSWORD", postgres.adminPassword());
        environment.put("SERVER_PORT", Integer.toString(port));
        environment.put("DEMO_RATE", "5");
        environment.put("DEMO_ORDERS", "20");
        java.nio.file.Files.createDirectories(log.getParent());
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new RunningService("demo-orders", process, port, log);
    }

    /** The names of every sample the services export, suffixes included ({@code _bucket}, {@code _total}...). */
    private Set<String> scrapeAll() throws IOException, InterruptedException {
        Set<String> names = new TreeSet<>();
        for (RunningService service : services) {
            var response = service.get(PROMETHEUS);
            assertThat(response.statusCode()).as("%s %s", service.name, PROMETHEUS).isEqualTo(200);
            for (String line : response.body().split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        return names;
    }

    private static void insertOutboxRow(DataSource admin, String orderId, String payload) throws SQLException {
        try (Connection connection = admin.getConnection();
                PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload)
                        VALUES (gen_random_uuid(), ?, 'OrderPlaced', 2, ?::jsonb)""")) {
            insert.setString(1, orderId);
            insert.setString(2, payload);
            insert.executeUpdate();
        }
    }

    private static long count(DataSource admin, String sql) throws SQLException {
        try (Connection connection = admin.getConnection();
                PreparedStatement query = connection.prepareStatement(sql);
                ResultSet result = query.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }
}
