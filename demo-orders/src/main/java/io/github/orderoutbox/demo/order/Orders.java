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
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionOperations;
import org.springframework.transaction.support.TransactionTemplate;

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
 *
 * <p>One method breaks the rule on purpose, for the demo's poison:
 * {@link #shipAndDeliverSkippingTheLock}. It is the counter-example, not one to copy.
 */
public final class Orders {

    private final TransactionOperations transactions;
    private final TransactionOperations separateTransactions;
    private final OrderRepository orders;
    private final OutboxWriter outbox;
    private final JacksonPayloads payloads;
    private final Clock clock;

    /**
     * @param transactionManager the transaction manager of the data source that {@code orders} and
     *                           {@code outbox} write to, so both run in the same transaction
     */
    public Orders(PlatformTransactionManager transactionManager, OrderRepository orders, OutboxWriter outbox,
                  JacksonPayloads payloads, Clock clock) {
        Objects.requireNonNull(transactionManager, "transactionManager");
        this.transactions = new TransactionTemplate(transactionManager);
        TransactionTemplate separate = new TransactionTemplate(transactionManager);
        separate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.separateTransactions = separate;
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

    /**
     * The demo's poison: a writer that breaks the ordering rule of docs/outbox-contract.md. Two
     * transactions of one paid order overlap, and the second skips the order-row lock:
     * <pre>
     * T1 (the shipment, by the rule): lock, mark shipped, append OrderShipped   -> outbox id 7
     * T2 (the delivery, no lock):     append OrderDelivered                     -> outbox id 8
     * T2: COMMIT                       the relay sees 8 alone and publishes it
     * T1: waits {@code hold}, COMMIT   the relay publishes 7 after 8
     * </pre>
     * The consumer then receives "delivered" for an order it has as paid: a business-rule violation
     * ("delivered, but the order is paid"), so it dead-letters OrderDelivered, blocks the order and
     * parks OrderShipped behind it. A redrive runs the two in outbox-position order, shipped then
     * delivered, and both apply. Had T2 locked the order row, it would have waited for T1's commit
     * and got the higher id only after 7 was visible: nothing to see.
     *
     * <p>T2 runs on this thread in a transaction of its own ({@code REQUIRES_NEW}, another
     * connection) while T1 is suspended, so the interleaving is the same every time. It cannot
     * record the delivery on the order row, which T1 holds locked (that wait is exactly what the
     * rule asks for); {@link #recordDelivery} does that once T1 has committed.
     *
     * <p>{@code hold} must outlast the relay's publication of T2's row, or the relay sees both rows
     * at once and publishes them in id order (then the order is simply delivered, no poison). The
     * writer cannot see the outbox (it has {@code outbox_writer} alone), so it waits a fixed time:
     * the relay's longest idle wait is {@code relay.poll-interval-max}, 250 ms by default.
     *
     * @return the ids of OrderShipped (the lower outbox id, committed last) and of OrderDelivered
     *         (the higher id, committed first: the event the consumer dead-letters)
     */
    public SkippedLock shipAndDeliverSkippingTheLock(String orderId, String carrier, String trackingNumber, Duration hold) {
        return transactions.execute(shipment -> {
            orders.lock(orderId);
            OrderShipped shipped = new OrderShipped(orderId, carrier, trackingNumber, clock.instant());
            orders.markShipped(orderId, carrier, trackingNumber, shipped.shippedAt());
            UUID shippedId = append(orderId, OrderShipped.TYPE, OrderShipped.VERSION, shipped);
            // The broken writer: no SELECT ... FOR UPDATE, so nothing makes it wait for T1.
            UUID deliveredId = separateTransactions.execute(delivery -> append(orderId, OrderDelivered.TYPE,
                    OrderDelivered.VERSION, new OrderDelivered(orderId, clock.instant())));
            sleep(hold);
            return new SkippedLock(shippedId, deliveredId);
        });
    }

    /**
     * Records on the order row the delivery whose event {@link #shipAndDeliverSkippingTheLock}
     * appended without the lock; it appends no event.
     */
    public void recordDelivery(String orderId) {
        transactions.executeWithoutResult(status -> {
            orders.lock(orderId);
            orders.markDelivered(orderId, clock.instant());
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

    private static void sleep(Duration hold) {
        try {
            Thread.sleep(hold.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Rolls T1 back: OrderDelivered stays committed without its OrderShipped, which the
            // consumer dead-letters all the same; the order row stays paid.
            throw new IllegalStateException("interrupted while holding the shipment of an order open", e);
        }
    }
}
