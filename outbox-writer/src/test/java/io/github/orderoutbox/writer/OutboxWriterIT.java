package io.github.orderoutbox.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

class OutboxWriterIT {

    private static final String INSERT_ORDER = "INSERT INTO orders (id, status) VALUES (?, ?)";
    private static final String LOCK_ORDER = "SELECT status FROM orders WHERE id = ? FOR UPDATE";
    private static final String UPDATE_ORDER = "UPDATE orders SET status = ? WHERE id = ?";

    private static MigratedDatabase database;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transaction;
    private static OutboxWriter outbox;

    private final String orderId = "order-" + UUID.randomUUID();

    @BeforeAll
    static void migrate() {
        database = MigratedDatabase.create("outbox_writer");
        jdbc = database.adminJdbc();
        transaction = new TransactionTemplate(new DataSourceTransactionManager(database.adminDataSource()));
        outbox = new OutboxWriter(database.adminDataSource());
    }

    @Test
    void storesTheEventWithTheBusinessRowWhenTheTransactionCommits() {
        OutboxEvent placed = OutboxEvent.of(orderId, "OrderPlaced", "{\"orderId\":\"" + orderId + "\"}");

        transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId, "PLACED");
            outbox.append(placed);
        });

        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, orderId))
                .isEqualTo("PLACED");
        Map<String, Object> row = jdbc.queryForMap("""
                SELECT event_id, aggregate_type, event_type, event_version, payload ->> 'orderId' AS payload_order,
                       headers, published_at
                FROM outbox WHERE aggregate_id = ?
                """, orderId);
        assertThat(row).containsEntry("event_id", placed.eventId())
                .containsEntry("aggregate_type", "order")
                .containsEntry("event_type", "OrderPlaced")
                .containsEntry("event_version", 1)
                .containsEntry("payload_order", orderId)
                .containsEntry("headers", null)
                .containsEntry("published_at", null);
    }

    @Test
    void leavesNoEventWhenTheTransactionRollsBack() {
        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId, "PLACED");
            outbox.append(OutboxEvent.of(orderId, "OrderPlaced", "{}"));
            throw new IllegalArgumentException("payment declined");
        })).hasMessage("payment declined");

        assertThat(ordersCount()).isZero();
        assertThat(eventIdsInIdOrder()).isEmpty();
    }

    @Test
    void refusesToWriteWithoutATransaction() {
        OutboxEvent placed = OutboxEvent.of(orderId, "OrderPlaced", "{}");

        assertThatThrownBy(() -> outbox.append(placed))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no transaction is active");
        assertThatThrownBy(() -> outbox.appendAll(List.of(placed)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(eventIdsInIdOrder()).isEmpty();
    }

    @Test
    void refusesATransactionThatBelongsToAnotherDataSource() {
        DataSource otherDatabase = database.server().dataSource(database.server().createDatabase("other"));
        TransactionTemplate otherTransaction = new TransactionTemplate(new DataSourceTransactionManager(otherDatabase));

        assertThatThrownBy(() -> otherTransaction.executeWithoutResult(
                status -> outbox.append(OutboxEvent.of(orderId, "OrderPlaced", "{}"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another data source");
        assertThat(eventIdsInIdOrder()).isEmpty();
    }

    @Test
    void storesHeadersAsAJsonObject() {
        Map<String, String> headers = Map.of(
                "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "note", "quote \" backslash \\ newline \n tab \t bell \u0007 accent é");

        transaction.executeWithoutResult(status ->
                outbox.append(OutboxEvent.of(orderId, "OrderPlaced", "{}").withHeaders(headers)));

        Map<String, Object> row = jdbc.queryForMap("""
                SELECT jsonb_typeof(headers) AS kind, headers ->> 'traceparent' AS traceparent, headers ->> 'note' AS note
                FROM outbox WHERE aggregate_id = ?
                """, orderId);
        assertThat(row).containsEntry("kind", "object")
                .containsEntry("traceparent", headers.get("traceparent"))
                .containsEntry("note", headers.get("note"));
    }

    @Test
    void appendAllKeepsCallOrderInIds() {
        List<OutboxEvent> events = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            events.add(OutboxEvent.of(orderId, "OrderLineAdded", "{\"line\":" + i + "}"));
        }

        transaction.executeWithoutResult(status -> outbox.appendAll(events));

        assertThat(eventIdsInIdOrder()).containsExactlyElementsOf(events.stream().map(OutboxEvent::eventId).toList());
        assertThat(jdbc.queryForList("SELECT (payload ->> 'line')::int FROM outbox WHERE aggregate_id = ? ORDER BY id",
                Integer.class, orderId)).isSorted();
    }

    @Test
    void aDuplicateEventIdFailsTheWholeTransaction() {
        OutboxEvent placed = OutboxEvent.of(orderId, "OrderPlaced", "{}");
        transaction.executeWithoutResult(status -> outbox.append(placed));

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId, "PLACED");
            outbox.append(placed.withHeader("retry", "1"));
        })).isInstanceOf(DuplicateKeyException.class);

        assertThat(ordersCount()).isZero();
        assertThat(eventIdsInIdOrder()).containsExactly(placed.eventId());
    }

    @Test
    void appendsInsideATransactionalMethod() {
        try (var context = new AnnotationConfigApplicationContext(OrdersApplication.class)) {
            OrderService orders = context.getBean(OrderService.class);

            orders.place(orderId);
            assertThatThrownBy(() -> orders.payButFail(orderId)).isInstanceOf(IllegalStateException.class);
            orders.pay(orderId);
        }

        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, orderId))
                .isEqualTo("PAID");
        assertThat(jdbc.queryForList("SELECT event_type FROM outbox WHERE aggregate_id = ? ORDER BY id",
                String.class, orderId)).containsExactly("OrderPlaced", "OrderPaid");
    }

    @Test
    void needsNoMoreThanTheOutboxWriterRole() {
        String user = "it_writer_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'secret' IN ROLE outbox_writer");
        try {
            DataSource asWriter = new DriverManagerDataSource(database.server().jdbcUrl(database.name()), user, "secret");
            OutboxWriter writer = new OutboxWriter(asWriter);
            OutboxEvent placed = OutboxEvent.of(orderId, "OrderPlaced", "{}").withHeader("traceparent", "t");
            OutboxEvent paid = OutboxEvent.of(orderId, "OrderPaid", "{}");

            new TransactionTemplate(new DataSourceTransactionManager(asWriter)).executeWithoutResult(status -> {
                writer.append(placed);
                writer.appendAll(List.of(paid));
            });

            assertThat(eventIdsInIdOrder()).containsExactly(placed.eventId(), paid.eventId());
        } finally {
            jdbc.execute("DROP ROLE " + user);
        }
    }

    @Test
    void idsOfOneOrderGrowInCommitOrderWhenTheOrderRowIsLocked() throws Exception {
        jdbc.update(INSERT_ORDER, orderId, "PLACED");
        OutboxEvent paid = OutboxEvent.of(orderId, "OrderPaid", "{}");
        OutboxEvent cancelled = OutboxEvent.of(orderId, "OrderCancelled", "{}");
        CountDownLatch paymentLockedTheOrder = new CountDownLatch(1);

        CompletableFuture<Void> payment = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
            jdbc.queryForObject(LOCK_ORDER, String.class, orderId);
            outbox.append(paid);
            paymentLockedTheOrder.countDown();
            pause(300); // the payment is slow to commit; the cancellation must wait for it
            jdbc.update(UPDATE_ORDER, "PAID", orderId);
        }));
        assertThat(paymentLockedTheOrder.await(10, TimeUnit.SECONDS)).isTrue();
        transaction.executeWithoutResult(status -> {
            jdbc.queryForObject(LOCK_ORDER, String.class, orderId); // waits until the payment commits
            outbox.append(cancelled);
            jdbc.update(UPDATE_ORDER, "CANCELLED", orderId);
        });
        payment.get(10, TimeUnit.SECONDS);

        assertThat(eventIdsInIdOrder()).containsExactly(paid.eventId(), cancelled.eventId());
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, orderId))
                .isEqualTo("CANCELLED");
    }

    @Test
    void withoutTheLockALaterCommitCanHoldASmallerId() throws Exception {
        // The trap the lock avoids, shown so the contract's rule is not taken on trust.
        OutboxEvent paid = OutboxEvent.of(orderId, "OrderPaid", "{}");
        OutboxEvent cancelled = OutboxEvent.of(orderId, "OrderCancelled", "{}");
        CountDownLatch paidInserted = new CountDownLatch(1);
        CountDownLatch cancelledCommitted = new CountDownLatch(1);
        List<UUID> visibleWhenCancelledCommitted = new ArrayList<>();

        CompletableFuture<Void> payment = CompletableFuture.runAsync(() -> transaction.executeWithoutResult(status -> {
            outbox.append(paid);
            paidInserted.countDown();
            await(cancelledCommitted);
        }));
        assertThat(paidInserted.await(10, TimeUnit.SECONDS)).isTrue();
        transaction.executeWithoutResult(status -> outbox.append(cancelled));
        visibleWhenCancelledCommitted.addAll(eventIdsInIdOrder());
        cancelledCommitted.countDown();
        payment.get(10, TimeUnit.SECONDS);

        assertThat(visibleWhenCancelledCommitted).containsExactly(cancelled.eventId());
        assertThat(eventIdsInIdOrder()).containsExactly(paid.eventId(), cancelled.eventId());
    }

    private List<UUID> eventIdsInIdOrder() {
        return jdbc.queryForList("SELECT event_id FROM outbox WHERE aggregate_id = ? ORDER BY id", UUID.class, orderId);
    }

    private int ordersCount() {
        return jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = ?", Integer.class, orderId);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The smallest orders service: a @Transactional method that changes an order and appends its event. */
    @Configuration
    @EnableTransactionManagement
    static class OrdersApplication {

        @Bean
        DataSource dataSource() {
            return database.adminDataSource();
        }

        @Bean
        PlatformTransactionManager transactionManager(DataSource dataSource) {
            return new DataSourceTransactionManager(dataSource);
        }

        @Bean
        OrderService orderService(DataSource dataSource) {
            return new OrderService(new JdbcTemplate(dataSource), new OutboxWriter(dataSource));
        }
    }

    static class OrderService {

        private final JdbcTemplate jdbc;
        private final OutboxWriter outbox;

        OrderService(JdbcTemplate jdbc, OutboxWriter outbox) {
            this.jdbc = jdbc;
            this.outbox = outbox;
        }

        @Transactional
        public void place(String orderId) {
            jdbc.update(INSERT_ORDER, orderId, "PLACED");
            outbox.append(OutboxEvent.of(orderId, "OrderPlaced", "{}"));
        }

        @Transactional
        public void pay(String orderId) {
            jdbc.queryForObject(LOCK_ORDER, String.class, orderId);
            jdbc.update(UPDATE_ORDER, "PAID", orderId);
            outbox.append(OutboxEvent.of(orderId, "OrderPaid", "{}"));
        }

        @Transactional
        public void payButFail(String orderId) {
            pay(orderId);
            throw new IllegalStateException("card declined after the event was appended");
        }
    }
}
