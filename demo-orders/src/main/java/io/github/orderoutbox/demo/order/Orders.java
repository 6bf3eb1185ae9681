package io.github.orderoutbox.demo.order;

import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderDelivered;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.writer.JacksonPayloads;
import io.github.orderoutbox.writer.OutboxEvent;
import io.github.orderoutbox.writer.OutboxWriter;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import org.springframework.transaction.support.TransactionOperations;

/**
 * The orders service: every business change of an order is one transaction that
 * <ol>
 *   <li>locks the order's row ({@code SELECT ... FOR UPDATE}; a new order needs no lock),</li>
 *   <li>changes the business rows,</li>
 *   <li>appends the event that says so with {@link OutboxWriter}, in the same transaction.</li>
 * </ol>
 * If the transaction commits, the relay will publish the event; if it rolls back, the event never
 * existed. The lock makes the outbox ids of one order grow in the order its changes commit, which is
 * the order the relay publishes them in (docs/outbox-contract.md). Payloads are the event records of
 * {@code shared-model}, written by its JSON settings, so they are what the newest schema of their
 * type expects. Each method returns the id of the event it appended.
 */
public final class Orders {

    private final TransactionOperations transactions;
    private final OrderRepository orders;
    private final OutboxWriter outbox;
    private final JacksonPayloads payloads;
    private final Clock clock;

    public Orders(TransactionOperations transactions, OrderRepository orders, OutboxWriter outbox,
                  JacksonPayloads payloads, Clock clock) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.orders = Objects.requireNonNull(orders, "orders");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.payloads = Objects.requireNonNull(payloads, "payloads");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Places an order: the order and its lines, and {@code OrderPlaced}. */
    public UUID place(OrderPlaced order) {
        return transactions.execute(status -> {
            orders.insert(order);
            return append(order.orderId(), OrderPlaced.TYPE, OrderPlaced.VERSION, order);
        });
    }

    /** Records the payment of a placed order in full, in the order's currency: {@code OrderPaid}. */
    public UUID pay(String orderId, String paymentId) {
        return transactions.execute(status -> {
            LockedOrder order = orders.lock(orderId);
            return recordPayment(order, paymentId, order.total());
        });
    }

    /**
     * Records a payment of a placed order in another currency than the order's: the demo's poison
     * event. It is a valid {@code OrderPaid} by its schema, so the relay publishes it, but the
     * consumer refuses it ({@code SyncReadModel}: "paid in USD but the order is in EUR"), dead-letters
     * it and blocks the order. A real service would refuse such a payment here.
     */
    public UUID payInWrongCurrency(String orderId, String paymentId) {
        return transactions.execute(status -> {
            LockedOrder order = orders.lock(orderId);
            Money wrong = new Money(order.total().amount(), otherCurrency(order.total().currency()));
            return recordPayment(order, paymentId, wrong);
        });
    }

    /** Hands a placed or paid order to a carrier: {@code OrderShipped}. */
    public UUID ship(String orderId, String carrier, String trackingNumber) {
        return transactions.execute(status -> {
            orders.lock(orderId);
            OrderShipped shipped = new OrderShipped(orderId, carrier, trackingNumber, clock.instant());
            orders.markShipped(orderId, carrier, trackingNumber, shipped.shippedAt());
            return append(orderId, OrderShipped.TYPE, OrderShipped.VERSION, shipped);
        });
    }

    /** Records the delivery of a shipped order: {@code OrderDelivered}. */
    public UUID deliver(String orderId) {
        return transactions.execute(status -> {
            orders.lock(orderId);
            OrderDelivered delivered = new OrderDelivered(orderId, clock.instant());
            orders.markDelivered(orderId, delivered.deliveredAt());
            return append(orderId, OrderDelivered.TYPE, OrderDelivered.VERSION, delivered);
        });
    }

    /** Cancels an order that has not been shipped: {@code OrderCancelled}. */
    public UUID cancel(String orderId, String reason) {
        return transactions.execute(status -> {
            orders.lock(orderId);
            OrderCancelled cancelled = new OrderCancelled(orderId, reason, clock.instant());
            orders.markCancelled(orderId, reason, cancelled.cancelledAt());
            return append(orderId, OrderCancelled.TYPE, OrderCancelled.VERSION, cancelled);
        });
    }

    private UUID recordPayment(LockedOrder order, String paymentId, Money paid) {
        OrderPaid event = new OrderPaid(order.orderId(), paymentId, paid.amount(), paid.currency(), clock.instant());
        orders.markPaid(order.orderId(), paymentId, paid, event.paidAt());
        return append(order.orderId(), OrderPaid.TYPE, OrderPaid.VERSION, event);
    }

    private UUID append(String orderId, String type, int version, Object payload) {
        OutboxEvent event = payloads.event(orderId, type, version, payload);
        outbox.append(event);
        return event.eventId();
    }

    /** A currency other than the given one, for the poison payment. */
    public static String otherCurrency(String currency) {
        return "USD".equals(currency) ? "EUR" : "USD";
    }
}
