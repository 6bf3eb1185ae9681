package io.github.orderoutbox.demo.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.demo.DemoDatabase;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.writer.JacksonPayloads;
import io.github.orderoutbox.writer.OutboxWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ordering rule of the outbox contract, as the demo keeps it: a change of an order waits for
 * the order's row lock, so two writers on one order serialise and the order's outbox ids grow in
 * the order their transactions commit.
 */
class OrderLockIT {

    private final DemoDatabase database = DemoDatabase.migrated("demo_order_lock_it");
    private final DataSource writer = database.writer();
    private final TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(writer));
    private final Orders orders = new Orders(transactions.getTransactionManager(), new OrderRepository(new JdbcTemplate(writer)),
            new OutboxWriter(writer), new JacksonPayloads(new EventJson().mapper()), Clock.systemUTC());

    @Test
    void aSecondChangeOfAnOrderWaitsForTheFirstToCommitAndGetsTheLaterOutboxId() throws Exception {
        orders.place(OrderPlaced.of("o-lock-1", "c-1",
                List.of(OrderLine.of("1", "SKU-1", 2, Money.of("4.50", "EUR"))), Clock.systemUTC().instant()));
        CountDownLatch paidNotCommitted = new CountDownLatch(1);
        CountDownLatch commitPayment = new CountDownLatch(1);

        // Writer 1 pays the order and holds its transaction open (the payment joins it).
        CompletableFuture<Void> payment = CompletableFuture.runAsync(() -> transactions.executeWithoutResult(status -> {
            orders.pay("o-lock-1", "pay-1");
            paidNotCommitted.countDown();
            released(commitPayment);
        }));
        assertThat(paidNotCommitted.await(10, TimeUnit.SECONDS)).isTrue();
        // Writer 2 ships the same order meanwhile: it must wait at the order's lock.
        CompletableFuture<Void> shipment = CompletableFuture.runAsync(() -> orders.ship("o-lock-1", "DHL", "TRK1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock("%FOR UPDATE%") == 1);
        Thread.sleep(200);
        assertThat(shipment).isNotDone();
        assertThat(database.adminJdbc.queryForObject("SELECT count(*) FROM outbox WHERE aggregate_id = 'o-lock-1'", Long.class))
                .as("only OrderPlaced is committed while the payment holds the lock").isEqualTo(1);

        commitPayment.countDown();
        payment.get(10, TimeUnit.SECONDS);
        shipment.get(10, TimeUnit.SECONDS);

        assertThat(database.adminJdbc.queryForList("SELECT event_type FROM outbox WHERE aggregate_id = 'o-lock-1' ORDER BY id",
                String.class)).containsExactly("OrderPlaced", "OrderPaid", "OrderShipped");
        assertThat(database.adminJdbc.queryForObject("SELECT status FROM demo.customer_order WHERE order_id = 'o-lock-1'",
                String.class)).isEqualTo("SHIPPED");
    }

    private long waitingForALock(String query) {
        Long waiting = database.adminJdbc.queryForObject("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE ?""", Long.class, query);
        return waiting == null ? 0 : waiting;
    }

    private static void released(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
