package io.github.orderoutbox.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.schema.EventSchemas;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The demo against a real Postgres, as a deployment runs it: as {@code orders_app} with nothing but
 * {@code outbox_writer} and the rights its own migration grants, its tables migrated by the owner.
 * It places {@value #ORDERS} orders quickly (a poison every tenth) and must then be done.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "demo.rate=200", "demo.orders=" + DemoOrdersIT.ORDERS, "demo.poison-every=10", "demo.step-delay=40ms",
        "demo.poison-hold=1s", "logging.structured.format.console="})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoOrdersIT {

    static final int ORDERS = 40;

    /** An order's events in business order: delivered, cancelled before payment, or paid and cancelled. */
    private static final Set<List<String>> LIFECYCLES = Set.of(
            List.of("OrderPlaced", "OrderPaid", "OrderShipped", "OrderDelivered"),
            List.of("OrderPlaced", "OrderCancelled"),
            List.of("OrderPlaced", "OrderPaid", "OrderCancelled"));

    private static final DemoDatabase DATABASE = DemoDatabase.create("demo_orders_it");
    private static final EventJson JSON = new EventJson();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", () -> DemoDatabase.WRITER);
        registry.add("spring.datasource.password", () -> DemoDatabase.WRITER_PASSWORD);
        registry.add("spring.flyway.user", DATABASE.postgres::adminUser);
        registry.add("spring.flyway.password", DATABASE.postgres::adminPassword);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    @Order(1)
    void stopsAfterDemoOrdersAndIsDoneOnceEveryOrderReachedItsFinalState() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> status().path("done").asBoolean());

        JsonNode status = status();
        assertThat(status.path("ordersWritten").asLong()).isEqualTo(ORDERS);
        assertThat(status.path("poisonWritten").asLong()).isEqualTo(ORDERS / 10);
        assertThat(status.path("eventsWritten").asLong()).isEqualTo(count("SELECT count(*) FROM outbox"));
        assertThat(count("SELECT count(*) FROM outbox WHERE event_type = 'OrderPlaced'")).isEqualTo(ORDERS);
        assertThat(count("SELECT count(*) FROM demo.customer_order WHERE status NOT IN ('DELIVERED', 'CANCELLED')")).isZero();

        Thread.sleep(300); // placing has stopped: nothing more arrives
        assertThat(count("SELECT count(*) FROM demo.customer_order")).isEqualTo(ORDERS);
        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics).contains("demo_orders_written_total{application=\"demo-orders\"} " + ORDERS + ".0")
                .contains("demo_poison_written_total{application=\"demo-orders\"} " + ORDERS / 10 + ".0")
                .contains("demo_events_written_total{application=\"demo-orders\"} " + status.path("eventsWritten").asLong() + ".0");
    }

    @Test
    @Order(2)
    void everyOutboxRowValidatesAgainstTheSchemaOfTheNewestVersionOfItsType() {
        EventSchemas schemas = EventSchemas.load();
        List<Map<String, Object>> rows = DATABASE.adminJdbc.queryForList(
                "SELECT event_id, aggregate_id, event_type, event_version, payload::text AS payload, headers FROM outbox");

        assertThat(rows).hasSizeGreaterThanOrEqualTo(ORDERS * 2);
        for (Map<String, Object> row : rows) {
            String type = (String) row.get("event_type");
            int version = (Integer) row.get("event_version");
            String payload = (String) row.get("payload");
            assertThat(version).as("version of %s", row.get("event_id")).isEqualTo(EventType.of(type).newestVersion());
            assertThat(schemas.validate(type, version, payload)).as("violations of %s %s", type, payload).isEmpty();
            // The record's own rules too (totals add up, one currency per order), as the consumer reads it.
            assertThat(JSON.read(type, JSON.readTree(payload)).orderId()).isEqualTo(row.get("aggregate_id"));
        }
    }

    @Test
    @Order(3)
    void eachOrdersEventsAreInBusinessOrderWithIncreasingOutboxIds() {
        Map<String, List<String>> eventsByOrder = new LinkedHashMap<>();
        Map<String, Long> lastId = new LinkedHashMap<>();
        DATABASE.adminJdbc.query("SELECT id, aggregate_id, event_type FROM outbox ORDER BY aggregate_id, id", rs -> {
            String order = rs.getString("aggregate_id");
            long id = rs.getLong("id");
            assertThat(id).isGreaterThan(lastId.getOrDefault(order, 0L));
            lastId.put(order, id);
            eventsByOrder.computeIfAbsent(order, o -> new ArrayList<>()).add(rs.getString("event_type"));
        });

        assertThat(eventsByOrder).hasSize(ORDERS);
        eventsByOrder.forEach((order, events) -> assertThat(LIFECYCLES).as("events of %s", order).contains(events));
        // A realistic mix in 40 orders: most delivered; the business table agrees with the events.
        assertThat(eventsByOrder.values().stream().filter(events -> events.size() == 4).count()).isGreaterThan(ORDERS / 2);
        eventsByOrder.forEach((order, events) -> assertThat(DATABASE.adminJdbc.queryForObject(
                "SELECT status FROM demo.customer_order WHERE order_id = ?", String.class, order))
                .isEqualTo(events.get(events.size() - 1).equals("OrderDelivered") ? "DELIVERED" : "CANCELLED"));
        assertThat(count("SELECT count(DISTINCT customer_id) FROM demo.customer_order WHERE customer_id LIKE 'c-regular-%'"))
                .isPositive();
    }

    @Test
    @Order(4)
    void runsAsOrdersAppWhichMayAppendToTheOutboxButNotReadIt() throws SQLException {
        assertThat(new JdbcTemplate(dataSource).queryForObject("SELECT current_user", String.class)).isEqualTo(DemoDatabase.WRITER);
        assertThat(DATABASE.adminJdbc.queryForList("""
                SELECT g.rolname FROM pg_auth_members m
                JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                WHERE u.rolname = ?""", String.class, DemoDatabase.WRITER)).containsExactly("outbox_writer");
        assertThat(DATABASE.adminJdbc.queryForObject("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = ?",
                Boolean.class, DemoDatabase.WRITER)).isFalse();
        try (Connection connection = DATABASE.writer().getConnection()) {
            JdbcTemplate writer = new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true));
            assertThatThrownBy(() -> writer.queryForObject("SELECT count(*) FROM outbox", Long.class))
                    .rootCause().hasMessageContaining("permission denied for table outbox");
            assertThatThrownBy(() -> writer.update("DELETE FROM demo.customer_order"))
                    .rootCause().hasMessageContaining("permission denied for table customer_order");
        }
    }

    @Test
    @Order(5)
    void poisonCommitsOrderDeliveredBeforeOrderShippedWhoseOutboxIdIsLower() throws Exception {
        CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(HttpRequest.newBuilder(uri("/demo/poison"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        // What the relay sees while the shipment is held open: the delivery, committed, alone. The
        // traffic has finished (first test), so the only events arriving are the poison's.
        List<String> seenWhileHeld = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> DATABASE.adminJdbc.queryForList("""
                        SELECT event_type FROM outbox WHERE aggregate_id LIKE '%-poison-%'
                           AND event_type IN ('OrderShipped', 'OrderDelivered') ORDER BY id""", String.class),
                        events -> events.contains("OrderDelivered"));
        assertThat(seenWhileHeld).containsExactly("OrderDelivered");

        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode poison = JSON.readTree(response.body());
        String orderId = poison.path("orderId").asString();
        assertThat(poison.path("eventType").asString()).isEqualTo("OrderDelivered");
        assertThat(poison.path("reason").asString()).contains("without the order-row lock")
                .contains("delivered, but the order is paid");
        // Once the shipment has committed, the outbox holds the order's events in business order:
        // only their commit order was wrong, and redrive puts them back by outbox id.
        List<Map<String, Object>> events = DATABASE.adminJdbc.queryForList(
                "SELECT event_id::text AS event_id, event_type FROM outbox WHERE aggregate_id = ? ORDER BY id", orderId);
        assertThat(events).extracting(row -> row.get("event_type"))
                .containsExactly("OrderPlaced", "OrderPaid", "OrderShipped", "OrderDelivered");
        assertThat(events.get(3).get("event_id")).isEqualTo(poison.path("eventId").asString());
        assertThat(poison.path("reason").asString()).contains((String) events.get(2).get("event_id"));
        assertThat(DATABASE.adminJdbc.queryForObject("SELECT status FROM demo.customer_order WHERE order_id = ?",
                String.class, orderId)).isEqualTo("DELIVERED");
        assertThat(status().path("poisonWritten").asLong()).isEqualTo(ORDERS / 10 + 1);
        assertThat(status().path("done").asBoolean()).isTrue();
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> response = get("/demo/status");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static long count(String sql) {
        Long count = DATABASE.adminJdbc.queryForObject(sql, Long.class);
        return count == null ? 0 : count;
    }
}
