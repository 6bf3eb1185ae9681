package io.github.orderoutbox.endtoend.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for module demo-orders in the launcher's tests until that module is in this branch:
 * the same interface (environment {@code SPRING_DATASOURCE_*}, {@code SERVER_PORT},
 * {@code DEMO_RATE}, {@code DEMO_ORDERS}; {@code GET /demo/status}, {@code POST /demo/poison},
 * the readiness probe), writing one OrderPlaced event per order as {@code orders_app}, the
 * insert-only writer. Not an example to copy: the real demo writes orders and events in one
 * transaction through outbox-writer.
 */
public final class StandInDemo {

    static final String INSERT_EVENT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload)
            VALUES (?, ?, 'OrderPlaced', 2, ?::jsonb)
            """;

    private static final String PLACED = """
            {"order_id": "%1$s", "customer_id": "c-1",
             "lines": [{"line_id": "1", "sku": "SKU-1", "quantity": 2,
               "unit_price": {"amount": "4.50", "currency": "EUR"}, "line_total": {"amount": "9.00", "currency": "EUR"}}],
             "total": {"amount": "9.00", "currency": "EUR"}, "placed_at": "2026-11-28T10:00:00Z"}""";

    private static final AtomicLong ORDERS = new AtomicLong();
    private static final AtomicLong POISON = new AtomicLong();
    private static final AtomicBoolean DONE = new AtomicBoolean();

    private StandInDemo() {
    }

    public static void main(String[] arguments) throws Exception {
        int rate = Integer.parseInt(System.getenv().getOrDefault("DEMO_RATE", "50"));
        long orders = Long.parseLong(System.getenv().getOrDefault("DEMO_ORDERS", "0"));
        String run = UUID.randomUUID().toString().substring(0, 8);
        Connection connection = DriverManager.getConnection(System.getenv("SPRING_DATASOURCE_URL"),
                System.getenv("SPRING_DATASOURCE_USERNAME"), System.getenv("SPRING_DATASOURCE_PASSWORD"));
        HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0",
                Integer.parseInt(System.getenv().getOrDefault("SERVER_PORT", "8082"))), 0);
        server.createContext("/actuator/health/readiness", exchange -> reply(exchange, "{\"status\":\"UP\"}"));
        server.createContext("/demo/status", exchange -> reply(exchange, "{\"ordersWritten\":%d,\"eventsWritten\":%d,\"poisonWritten\":%d,\"done\":%s}"
                .formatted(ORDERS.get(), ORDERS.get() + POISON.get(), POISON.get(), DONE.get())));
        server.createContext("/demo/poison", exchange -> {
            String orderId = "stand-in-poison-" + UUID.randomUUID();
            synchronized (connection) {
                insert(connection, orderId, "{\"order_id\": \"" + orderId + "\"}");
            }
            POISON.incrementAndGet();
            reply(exchange, "{\"orderId\":\"" + orderId + "\"}");
        });
        server.start();
        long nanosPerOrder = 1_000_000_000L / rate;
        long next = System.nanoTime();
        while (orders == 0 || ORDERS.get() < orders) {
            String orderId = "stand-in-" + run + "-" + ORDERS.get();
            synchronized (connection) {
                insert(connection, orderId, PLACED.formatted(orderId));
            }
            ORDERS.incrementAndGet();
            next += nanosPerOrder;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        DONE.set(true);
        Thread.currentThread().join();
    }

    private static void insert(Connection connection, String orderId, String payload) {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, orderId);
            insert.setString(3, payload);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
