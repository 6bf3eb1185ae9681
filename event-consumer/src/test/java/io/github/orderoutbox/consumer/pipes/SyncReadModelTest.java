package io.github.orderoutbox.consumer.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.consumer.batch.BatchScope;
import io.github.orderoutbox.consumer.catalog.LineProducts;
import io.github.orderoutbox.consumer.catalog.Product;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.PipeFailedException;
import io.github.orderoutbox.consumer.pipeline.Pipeline;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.BusinessRuleViolationException;
import io.github.orderoutbox.consumer.readmodel.CustomerDelta;
import io.github.orderoutbox.consumer.readmodel.LineRow;
import io.github.orderoutbox.consumer.readmodel.OrderStatus;
import io.github.orderoutbox.consumer.readmodel.OrderSummary;
import io.github.orderoutbox.consumer.readmodel.OutOfPositionException;
import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderDelivered;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The read-model rules of the last pipe, on a batch whose orders are already loaded (so no
 * database is asked): what each event does to the order, the version guard, and each business
 * rule's refusal, which leaves the batch's changes as they were.
 */
class SyncReadModelTest {

    private static final Instant T = Instant.parse("2026-11-02T09:00:00Z");

    // Every order the tests use is loaded into the batch before it runs, so the repository is never called.
    private final Pipeline<EventContext> pipeline = Pipeline.of(List.of(
            new SyncReadModel(new ReadModelRepository(new JdbcTemplate(), new EventJson().mapper()))));
    private final BatchScope batch = new BatchScope(1);
    private final ReadModelChanges changes = batch.changes();

    @Test
    void placingCreatesTheOrderItsEnrichedLinesAndCountsTheCustomer() {
        changes.load(List.of("o-1"), Map.of());

        assertThat(send(placed("o-1"), 10)).isEqualTo(Outcome.Completed.class);

        OrderSummary order = changes.order("o-1").orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.PLACED);
        assertThat(order.customerId()).isEqualTo("c-1");
        assertThat(order.total()).isEqualByComparingTo("19.00");
        assertThat(order.itemCount()).isEqualTo(3);
        assertThat(order.lastPosition()).isEqualTo(10);
        assertThat(changes.lines()).containsExactly(
                new LineRow("o-1", "1", "SKU-1", "Espresso cup", "kitchen", 2, new BigDecimal("4.50"), new BigDecimal("9.00")),
                new LineRow("o-1", "2", "SKU-X", null, null, 1, new BigDecimal("10.00"), new BigDecimal("10.00")));
        assertThat(changes.customers()).containsExactly(Map.entry(
                new ReadModelChanges.CustomerKey("c-1", "EUR"), CustomerDelta.placed()));
    }

    @Test
    void aWholeLifecycleInOneBatchEndsInItsLastStateWrittenOnce() {
        changes.load(List.of("o-1"), Map.of());

        send(placed("o-1"), 1);
        send(new OrderPaid("o-1", "pay-1", new BigDecimal("19.00"), "EUR", T.plusSeconds(1)), 2);
        send(new OrderShipped("o-1", "DHL", "T-1", T.plusSeconds(2)), 3);
        send(new OrderDelivered("o-1", T.plusSeconds(3)), 4);

        assertThat(changes.changedOrders()).hasSize(1);
        OrderSummary order = changes.changedOrders().get(0);
        assertThat(order.status()).isEqualTo(OrderStatus.DELIVERED);
        assertThat(order.paidAt()).isEqualTo(T.plusSeconds(1));
        assertThat(order.paymentId()).isEqualTo("pay-1");
        assertThat(order.amountPaid()).isEqualByComparingTo("19.00");
        assertThat(order.shippedAt()).isEqualTo(T.plusSeconds(2));
        assertThat(order.deliveredAt()).isEqualTo(T.plusSeconds(3));
        assertThat(order.lastPosition()).isEqualTo(4);
        assertThat(changes.applied()).hasSize(4);
        assertThat(changes.customers().values()).containsExactly(new CustomerDelta(1, 0, new BigDecimal("19.00")));
    }

    @Test
    void cancellingCountsTheCancellation() {
        changes.load(List.of("o-1"), Map.of("o-1", stored("o-1", OrderStatus.PAID, 5)));

        send(new OrderCancelled("o-1", "changed my mind", T.plusSeconds(9)), 6);

        assertThat(changes.order("o-1").orElseThrow().status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(changes.customers().values()).containsExactly(CustomerDelta.cancelled());
    }

    @Test
    void refusesAnEventNotNewerThanTheOrderAsOutOfPositionAndChangesNothing() {
        changes.load(List.of("o-1"), Map.of("o-1", stored("o-1", OrderStatus.PAID, 7)));

        // It reached this pipe, so deduplication found no record of it: it was never applied.
        assertThatThrownBy(() -> pipeline.send(context(new OrderShipped("o-1", "DHL", "T", T), 7)))
                .isInstanceOf(PipeFailedException.class)
                .cause().isInstanceOfSatisfying(OutOfPositionException.class, e -> {
                    assertThat(e.orderId()).isEqualTo("o-1");
                    assertThat(e.position()).isEqualTo(7);
                    assertThat(e.orderPosition()).isEqualTo(7);
                });
        assertThatThrownBy(() -> pipeline.send(context(new OrderShipped("o-1", "DHL", "T", T), 3)))
                .cause().isInstanceOf(OutOfPositionException.class)
                .hasMessageEndingWith("(OrderShipped) is at outbox position 3, but the order already reflects position 7"
                        + " and the event was never applied");
        assertThat(changes.isEmpty()).isTrue();
        assertThat(changes.order("o-1").orElseThrow().status()).isEqualTo(OrderStatus.PAID);
    }

    @Test
    void refusesWhatTheOrdersHistoryDoesNotAllow() {
        Map<String, OrderSummary> stored = new HashMap<>();
        stored.put("placed", stored("placed", OrderStatus.PLACED, 1));
        stored.put("cancelled", stored("cancelled", OrderStatus.CANCELLED, 1));
        stored.put("shipped", stored("shipped", OrderStatus.SHIPPED, 1));
        stored.put("paid", stored("paid", OrderStatus.PAID, 1));
        changes.load(List.of("placed", "cancelled", "shipped", "paid", "unknown"), stored);

        assertRefused(placed("placed"), "order placed: placed again, but it was placed at position 1");
        assertRefused(new OrderPaid("unknown", "p", BigDecimal.TEN, "EUR", T), "order unknown: paid, but the order was never placed");
        assertRefused(new OrderShipped("cancelled", "DHL", "T", T), "order cancelled: shipped, but the order is cancelled");
        assertRefused(new OrderShipped("shipped", "DHL", "T", T), "order shipped: shipped, but the order is shipped");
        assertRefused(new OrderDelivered("placed", T), "order placed: delivered, but the order is placed");
        assertRefused(new OrderCancelled("shipped", "late", T), "order shipped: cancelled, but the order is shipped");
        assertRefused(new OrderPaid("paid", "p", BigDecimal.TEN, "EUR", T), "order paid: paid, but the order is paid");
        assertRefused(new OrderPaid("placed", "p", BigDecimal.TEN, "USD", T), "order placed: paid in USD but the order is in EUR");
        assertRefused(new OrderDelivered("unknown", T), "order unknown: delivered, but the order was never placed");

        assertThat(changes.isEmpty()).as("a refused event records nothing").isTrue();
    }

    @Test
    void anEventWithoutAnOutboxPositionIsInvalid() {
        changes.load(List.of("o-1"), Map.of());
        ReceivedEvent received = new ReceivedEvent("orders.events", 0, 0, T, "o-1", Map.of(), new byte[0]);
        EventContext context = new EventContext(received, 1, batch);
        context.setEventId(UUID.randomUUID().toString());
        context.setEventType("OrderPlaced");
        context.setEventVersion(2);
        context.setPayload(placed("o-1"));

        assertThatThrownBy(() -> pipeline.send(context)).isInstanceOf(PipeFailedException.class)
                .cause().isInstanceOf(InvalidEventException.class).hasMessageContaining(EventHeaders.POSITION);
    }

    private void assertRefused(OrderEvent event, String message) {
        assertThatThrownBy(() -> pipeline.send(context(event, 100)))
                .isInstanceOf(PipeFailedException.class)
                .cause().isInstanceOf(BusinessRuleViolationException.class).hasMessage(message);
    }

    private Class<? extends Outcome> send(OrderEvent event, long position) {
        return pipeline.send(context(event, position)).getClass();
    }

    private EventContext context(OrderEvent event, long position) {
        ReceivedEvent received = new ReceivedEvent("orders.events", 0, position, T, event.orderId(),
                Map.of(EventHeaders.POSITION, Long.toString(position)), new byte[0]);
        EventContext context = new EventContext(received, 1, batch);
        context.setEventId(UUID.randomUUID().toString());
        context.setEventType(EventType.of(event).typeName());
        context.setEventVersion(EventType.of(event).newestVersion());
        context.setPayload(event);
        if (event instanceof OrderPlaced) {
            context.setEnrichment(new LineProducts(Map.of(
                    "SKU-1", Optional.of(new Product("SKU-1", "Espresso cup", "kitchen")),
                    "SKU-X", Optional.empty())));
        }
        return context;
    }

    private static OrderPlaced placed(String orderId) {
        return OrderPlaced.of(orderId, "c-1", List.of(
                OrderLine.of("1", "SKU-1", 2, Money.of("4.50", "EUR")),
                OrderLine.of("2", "SKU-X", 1, Money.of("10.00", "EUR"))), T);
    }

    private static OrderSummary stored(String orderId, OrderStatus status, long position) {
        OrderSummary placed = OrderSummary.placed(orderId, "c-1", "EUR", new BigDecimal("19.00"), 3, T, UUID.randomUUID(), position);
        return switch (status) {
            case PLACED -> placed;
            case PAID -> placed.paid("p", new BigDecimal("19.00"), T, UUID.randomUUID(), position);
            case SHIPPED -> placed.shipped(T, UUID.randomUUID(), position);
            case DELIVERED -> placed.shipped(T, UUID.randomUUID(), position).delivered(T, UUID.randomUUID(), position);
            case CANCELLED -> placed.cancelled(T, UUID.randomUUID(), position);
        };
    }
}
