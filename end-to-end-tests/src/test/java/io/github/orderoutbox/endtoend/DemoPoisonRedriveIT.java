package io.github.orderoutbox.endtoend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.ServiceJar;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/demo.md's poison, as a newcomer follows it: the relay, the consumer and the demo orders
 * service as packaged jars with docker-compose.yml's least-privilege users (deploy/postgres-roles.sql
 * run as compose's postgres service runs it), the demo's catalogue loaded, then {@code POST
 * /demo/poison}. The demo's delivery skips the order-row lock and commits before the shipment, so
 * the consumer dead-letters OrderDelivered and blocks the order; the operator's command of
 * docs/consumer-operations.md, {@code java -jar event-consumer.jar redrive --order-id=...}, then
 * applies the shipment and the delivery in outbox-position order and releases the order.
 */
class DemoPoisonRedriveIT {

    private static final String DEAD_LETTER_TOPIC = "orders.events.dlq";
    private static final String BLOCKED_AS = "delivered, but the order is paid";
    private static final Duration START_UP = Duration.ofSeconds(120);
    private static final Duration DELIVERY = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path projectRoot = Path.of(System.getProperty("project.root", ".."));
    private final KafkaServer kafka = TestServers.kafka();
    private final RedisServer redis = TestServers.redis();
    private final List<PackagedService> services = new ArrayList<>();
    private PostgresServer postgres;

    @AfterEach
    void stopEverything() throws InterruptedException {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void thePoisonIsDeadLetteredBlocksItsOrderAndTheOperatorsRedriveDeliversIt() throws Exception {
        ComposeFile compose = ComposeFile.read(projectRoot.resolve("docker-compose.yml"));
        // The roles belong to the cluster and postgres-roles.sql creates them unconditionally.
        postgres = TestServers.startDedicatedPostgres();
        Assumptions.assumeTrue(postgres.canBeStopped(),
                () -> postgres + " was given by the environment; the compose roles need a server of their own");
        ComposePostgres database = new ComposePostgres(postgres, compose.environment("postgres"), projectRoot);
        database.initialise();
        DataSource owner = database.dataSource(database.owner(), compose.environment("postgres").get("POSTGRES_PASSWORD"));

        PackagedService relay = start("relay.jar", reachable(compose.environment("outbox-relay-1")), "relay.log");
        awaitReady(relay);
        Map<String, String> consumerEnvironment = reachable(compose.environment("event-consumer-1"));
        PackagedService consumer = start("consumer.jar", consumerEnvironment, "consumer.log");
        awaitReady(consumer);
        // docs/demo.md: the catalogue, once the consumer has created catalog.product.
        try (Connection connection = owner.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(Files.readString(projectRoot.resolve("deploy/demo-catalog.sql"), UTF_8));
        }
        Map<String, String> demoEnvironment = reachable(compose.environment("demo-orders"));
        demoEnvironment.put("DEMO_ORDERS", "3");
        PackagedService demo = start("demo.jar", demoEnvironment, "demo.log");
        awaitReady(demo);

        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(demo.uri("/demo/poison"))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("POST /demo/poison -> " + answer.statusCode() + " " + answer.body());
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode poison = JsonMapper.builder().build().readTree(answer.body());
        String orderId = poison.path("orderId").asString();
        String eventId = poison.path("eventId").asString();
        assertThat(poison.path("eventType").asString()).isEqualTo("OrderDelivered");
        assertThat(poison.path("reason").asString()).contains(BLOCKED_AS);

        // 1. The dead letter, with the reason.
        Map<String, String> deadLetter = withLogs(() -> awaitDeadLetter(eventId));
        System.out.println("dead letter headers: " + deadLetter);
        assertThat(deadLetter)
                .containsEntry("ce_type", "OrderDelivered")
                .containsEntry("dlq_failed_pipe", "SyncReadModel")
                .containsEntry("dlq_exception_class", "io.github.orderoutbox.consumer.readmodel.BusinessRuleViolationException")
                .containsEntry("dlq_exception_message", "order " + orderId + ": " + BLOCKED_AS);

        // 2. The blocked order, its shipment parked behind the dead letter, the read model still at "paid".
        String reason = withLogs(() -> await("order " + orderId + " blocked").atMost(DELIVERY)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> strings(owner, "SELECT reason FROM read_model.blocked_order WHERE order_id = ?", orderId),
                        reasons -> !reasons.isEmpty())).get(0);
        System.out.println("read_model.blocked_order.reason: " + reason);
        assertThat(reason).contains("BusinessRuleViolationException").contains(BLOCKED_AS);
        List<String> parked = withLogs(() -> await("OrderShipped of " + orderId + " parked").atMost(DELIVERY)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> strings(owner, "SELECT event_type FROM read_model.parked_event WHERE order_id = ?", orderId),
                        types -> !types.isEmpty()));
        assertThat(parked).containsExactly("OrderShipped");
        assertThat(status(owner, orderId)).contains("PAID");
        System.out.println("blocked_order: " + strings(owner,
                "SELECT concat_ws(' | ', order_id, reason) FROM read_model.blocked_order WHERE order_id = ?", orderId));
        System.out.println("parked_event: " + strings(owner,
                "SELECT concat_ws(' | ', order_id, event_type) FROM read_model.parked_event WHERE order_id = ?", orderId));
        System.out.println("order_summary: " + strings(owner,
                "SELECT concat_ws(' | ', order_id, status, last_position) FROM read_model.order_summary WHERE order_id = ?", orderId));

        // 3. The operator's redrive, from the consumer's jar with the consumer's settings: a dry run, then for real.
        CommandResult dryRun = redrive(consumerEnvironment, "redrive", "--order-id=" + orderId, "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.output()).isZero();
        assertThat(dryRun.output()).contains(orderId + " events=2 result=would_release applied=2");
        assertThat(strings(owner, "SELECT order_id FROM read_model.blocked_order WHERE order_id = ?", orderId))
                .as("a dry run changes nothing").containsExactly(orderId);

        CommandResult redrive = redrive(consumerEnvironment, "redrive", "--order-id=" + orderId);
        assertThat(redrive.exitCode()).as(redrive.output()).isZero();
        assertThat(redrive.output()).contains(orderId + " events=2 result=released applied=2")
                .contains("redrive: selected=1 released=1 failed=0");

        assertThat(status(owner, orderId)).contains("DELIVERED");
        assertThat(strings(owner, "SELECT order_id FROM read_model.blocked_order WHERE order_id = ?", orderId)).isEmpty();
        assertThat(strings(owner, "SELECT event_type FROM read_model.parked_event WHERE order_id = ?", orderId)).isEmpty();
        System.out.println("order_summary: " + strings(owner,
                "SELECT concat_ws(' | ', order_id, status, last_position) FROM read_model.order_summary WHERE order_id = ?", orderId));
    }

    private record CommandResult(int exitCode, String output) {
    }

    /** docs/consumer-operations.md: {@code java -jar event-consumer.jar redrive ...} with the service's environment. */
    private CommandResult redrive(Map<String, String> consumerEnvironment, String... arguments) throws Exception {
        Map<String, String> environment = new HashMap<>(consumerEnvironment);
        environment.remove("SERVER_PORT"); // a command starts no web server
        Path log = Path.of("target", "e2e-logs", "DemoPoisonRedriveIT-" + String.join("_", arguments).replaceAll("[^\\w=-]", "") + ".log");
        Process process = ServiceJar.startWithEnvironment("consumer.jar", environment, List.of(arguments), log);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("java -jar event-consumer.jar " + String.join(" ", arguments) + " did not end:\n"
                    + Files.readString(log, UTF_8));
        }
        String output = Files.readString(log, UTF_8);
        System.out.println("$ java -jar event-consumer.jar " + String.join(" ", arguments) + "  (exit " + process.exitValue()
                + ")\n" + output);
        return new CommandResult(process.exitValue(), output);
    }

    private static Optional<String> status(DataSource owner, String orderId) throws SQLException {
        return strings(owner, "SELECT status FROM read_model.order_summary WHERE order_id = ?", orderId).stream().findFirst();
    }

    /** The first column of each row of a query with one text parameter. */
    private static List<String> strings(DataSource dataSource, String sql, String parameter) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            List<String> values = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    values.add(rows.getString(1));
                }
            }
            return values;
        }
    }

    /** Reads the dead-letter topic from its start until the poison's dead letter turns up; its headers. */
    private Map<String, String> awaitDeadLetter(String eventId) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<Map<String, String>> found = new ArrayList<>();
            await("dead letter of " + eventId + " on " + DEAD_LETTER_TOPIC).atMost(DELIVERY).until(() -> {
                if (reader.assignment().isEmpty()) {
                    List<TopicPartition> partitions = reader.partitionsFor(DEAD_LETTER_TOPIC, Duration.ofSeconds(5)).stream()
                            .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                    reader.assign(partitions);
                    reader.seekToBeginning(partitions);
                }
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new LinkedHashMap<>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? null : new String(header.value(), UTF_8));
                    }
                    if (eventId.equals(headers.get("dlq_event_id"))) {
                        found.add(headers);
                    }
                }
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    /**
     * A compose service's environment, its values verbatim but for the compose network's addresses,
     * and a free port (compose gives each container its port to itself; here other builds run beside).
     */
    private Map<String, String> reachable(Map<String, String> composeEnvironment) {
        Map<String, String> environment = new LinkedHashMap<>();
        // A variable compose lists without a value is passed on only when set in the user's shell.
        composeEnvironment.entrySet().stream().filter(variable -> !variable.getValue().isEmpty()).forEach(variable ->
                environment.put(variable.getKey(), variable.getValue()
                .replace("postgres:5432", postgres.host() + ":" + postgres.port())
                .replace("kafka:9092", kafka.bootstrapServers())
                .replace("redis:6379", redis.host() + ":" + redis.port())));
        environment.put("SERVER_PORT", "0");
        return environment;
    }

    private PackagedService start(String jar, Map<String, String> environment, String log) throws IOException {
        PackagedService service = PackagedService.start(jar, environment, "DemoPoisonRedriveIT-" + log);
        services.add(service);
        return service;
    }

    private void awaitReady(PackagedService service) {
        withLogs(() -> await(service + " ready").atMost(START_UP).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(IOException.class)
                .failFast("a service exited", () -> assertThat(service.isAlive()).as(service::describe).isTrue())
                .until(service::isReady, Boolean::booleanValue));
    }

    /** A wait that timed out says what the services logged. */
    private <T> T withLogs(Supplier<T> wait) {
        try {
            return wait.get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + String.join("\n",
                    services.stream().map(PackagedService::describe).toList()), e);
        }
    }
}
