package io.github.orderoutbox.endtoend;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.schema.EventSchemas;
import io.github.orderoutbox.testsupport.KafkaServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;

/**
 * The path of a newcomer: the relay's and the consumer's packaged jars, each its own process and
 * configured only as a subclass says (the README's variables, docker-compose.yml's environment),
 * then one event appended to the outbox as the contract says, seen on {@code orders.events} and in
 * {@code read_model.order_summary}. Every name the test looks at ({@code orders.events},
 * {@code /orders-service}, the read-model tables) is a shipped default, not a setting of the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UserPathSuite {

    /** The relay's default topic for aggregate type {@code order}, and the consumer's default topic. */
    static final String TOPIC = "orders.events";
    private static final String SOURCE = "/orders-service";
    private static final Duration START_UP = Duration.ofSeconds(120);
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    private static final String ORDER_SUMMARY = """
            SELECT customer_id, status, currency, total, last_event_id, last_position
              FROM read_model.order_summary WHERE order_id = ?
            """;

    private final EventSchemas schemas = EventSchemas.load();
    private final List<PackagedService> services = new ArrayList<>();
    private PackagedService relay;
    private PackagedService consumer;

    /** Makes the database what the user has before the first start (nothing, or compose's roles). */
    abstract void prepareDatabase() throws Exception;

    abstract Map<String, String> relayEnvironment();

    abstract Map<String, String> consumerEnvironment();

    /** The orders service's connection, which appends to the outbox. */
    abstract DataSource ordersService();

    /** A connection that may read the read model, to look at the outcome. */
    abstract DataSource observer();

    abstract KafkaServer kafka();

    /** Closes what {@link #prepareDatabase()} started, once the services have stopped. */
    void release() {
    }

    @BeforeAll
    void startTheServicesAsTheUserDoes() throws Exception {
        prepareDatabase();
        String name = getClass().getSimpleName();
        relay = start("relay.jar", relayEnvironment(), name + "-relay.log");
        // The consumer refuses to start without its topic, which the relay creates before it is
        // ready: started in this order, as the README lists them.
        awaitReady(relay);
        consumer = start("consumer.jar", consumerEnvironment(), name + "-consumer.log");
        awaitReady(consumer);
    }

    @AfterAll
    void stopTheServices() throws InterruptedException {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        release();
    }

    @Test
    void publishesAnOutboxRowToOrdersEventsKeyedByItsOrderWithCloudEventsHeaders() throws Exception {
        ContractOrder order = appendValidOrder();

        ConsumerRecord<String, String> record = awaitRecordOf(order);

        assertThat(record.key()).isEqualTo(order.orderId());
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(record.value())).isEqualTo(json.readTree(order.payload()));
        Map<String, String> headers = headers(record);
        assertThat(headers)
                .containsEntry(EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_1_0)
                .containsEntry(EventHeaders.ID, order.eventId().toString())
                .containsEntry(EventHeaders.TYPE, ContractOrder.EVENT_TYPE)
                .containsEntry(EventHeaders.SOURCE, SOURCE)
                .containsEntry(EventHeaders.SUBJECT, order.orderId())
                .containsEntry(EventHeaders.EVENT_VERSION, Integer.toString(ContractOrder.EVENT_VERSION))
                .containsEntry(EventHeaders.CONTENT_TYPE, EventHeaders.APPLICATION_JSON)
                .containsEntry(EventHeaders.AGGREGATE_TYPE, "order")
                .containsKeys(EventHeaders.TIME, EventHeaders.POSITION);
        assertThat(schemas.validateEnvelope(headers::get, json.readTree(record.value()))).isEmpty();
    }

    @Test
    void appliesTheEventToTheReadModel() throws Exception {
        ContractOrder order = appendValidOrder();

        Map<String, Object> summary = withLogs(() -> await("order " + order.orderId() + " in read_model.order_summary")
                .atMost(DELIVERY).pollInterval(Duration.ofMillis(250))
                .failFast("a service exited", () -> services.forEach(UserPathSuite::requireRunning))
                .until(() -> orderSummary(order.orderId()), Optional::isPresent))
                .orElseThrow();

        assertThat(summary)
                .containsEntry("customer_id", order.customerId())
                .containsEntry("status", "PLACED")
                .containsEntry("currency", "EUR")
                .containsEntry("last_event_id", order.eventId());
        assertThat((BigDecimal) summary.get("total")).isEqualByComparingTo("9.00");
        ConsumerRecord<String, String> record = awaitRecordOf(order);
        assertThat(summary.get("last_position")).as("the outbox position the relay published")
                .isEqualTo(Long.parseLong(headers(record).get(EventHeaders.POSITION)));
    }

    private PackagedService start(String jar, Map<String, String> environment, String log) throws Exception {
        PackagedService service = PackagedService.start(jar, environment, log);
        services.add(service);
        return service;
    }

    private ContractOrder appendValidOrder() throws SQLException {
        ContractOrder order = ContractOrder.placed();
        assertThat(schemas.validate(ContractOrder.EVENT_TYPE, ContractOrder.EVENT_VERSION, order.payload()))
                .as("the payload against shared-model's schema").isEmpty();
        order.append(ordersService());
        return order;
    }

    /** A wait that timed out says what the services logged: a timeout alone tells nothing. */
    private <T> T withLogs(Supplier<T> wait) {
        try {
            return wait.get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + String.join("\n",
                    services.stream().map(PackagedService::describe).toList()), e);
        }
    }

    private static void requireRunning(PackagedService service) {
        assertThat(service.isAlive()).as(service::describe).isTrue();
    }

    private void awaitReady(PackagedService service) {
        withLogs(() -> await(service + " ready").atMost(START_UP).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(IOException.class)
                .failFast("a service exited", () -> requireRunning(service))
                .until(service::isReady, Boolean::booleanValue));
    }

    /** Reads the whole topic from its start until the order's record turns up. */
    private ConsumerRecord<String, String> awaitRecordOf(ContractOrder order) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            withLogs(() -> await("order " + order.orderId() + " on " + TOPIC).atMost(DELIVERY)
                    .failFast("the relay exited", () -> requireRunning(relay))
                    .until(() -> {
                        reader.poll(Duration.ofMillis(200)).forEach(record -> {
                            if (order.eventId().toString().equals(header(record, EventHeaders.ID))) {
                                found.add(record);
                            }
                        });
                        return !found.isEmpty();
                    }, Boolean::booleanValue));
            return found.get(0);
        }
    }

    private Optional<Map<String, Object>> orderSummary(String orderId) throws SQLException {
        try (Connection connection = observer().getConnection();
                PreparedStatement query = connection.prepareStatement(ORDER_SUMMARY)) {
            query.setString(1, orderId);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                Map<String, Object> row = new HashMap<>();
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    row.put(rows.getMetaData().getColumnLabel(column), rows.getObject(column));
                }
                return Optional.of(row);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return Optional.empty(); // the consumer has not migrated the read model yet
            }
            throw e;
        }
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), UTF_8));
        }
        return headers;
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}
