package io.github.orderoutbox.consumer.pipes;

import io.github.orderoutbox.consumer.batch.BatchAware;
import io.github.orderoutbox.consumer.batch.BatchScope;
import io.github.orderoutbox.consumer.catalog.LineProducts;
import io.github.orderoutbox.consumer.catalog.Product;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.AppliedEvent;
import io.github.orderoutbox.consumer.readmodel.BusinessRuleViolationException;
import io.github.orderoutbox.consumer.readmodel.CustomerDelta;
import io.github.orderoutbox.consumer.readmodel.LineRow;
import io.github.orderoutbox.consumer.readmodel.OrderStatus;
import io.github.orderoutbox.consumer.readmodel.OrderSummary;
import io.github.orderoutbox.consumer.readmodel.OutOfPositionException;
import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderDelivered;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The last pipe: applies an event to the read model of its batch ({@code order_summary},
 * {@code order_line}, {@code customer_summary} and the applied-event record), which the batch
 * writes in one transaction once every event has been through.
 *
 * <p><b>Version guard.</b> An event whose outbox position is not greater than the position the
 * order already reflects cannot be applied: it would move the order back. It is not a duplicate
 * either ({@code SkipDuplicates} runs first and stops every event recorded as applied, Redis or
 * not), so it was never applied, and skipping it would lose its effect. It is an
 * {@link OutOfPositionException}: dead-lettered with its reason, its order blocked until a redrive
 * applies the order's events in outbox-position order.
 *
 * <p><b>Rules.</b> An event the order's history does not allow is a
 * {@link BusinessRuleViolationException}, dead-lettered with its reason: an order placed twice,
 * any event of an order never placed, paying other than a placed order or in another currency,
 * shipping a cancelled, shipped or delivered order, delivering an order that is not shipped,
 * cancelling a shipped, delivered or cancelled order. Every rule is checked before anything is
 * recorded, so a violation leaves the batch's changes as they were.
 */
public final class SyncReadModel implements Pipe<EventContext>, BatchAware {

    private final ReadModelRepository readModel;

    public SyncReadModel(ReadModelRepository readModel) {
        this.readModel = Objects.requireNonNull(readModel, "readModel");
    }

    /**
     * Loads the stored summaries of the batch's orders in one query; those the batch before changed
     * are taken from its changes, as it may not have committed yet.
     */
    @Override
    public void beforeBatch(BatchScope batch, List<ReceivedEvent> events) {
        Set<String> orderIds = new LinkedHashSet<>();
        for (ReceivedEvent event : events) {
            if (event.key() != null) {
                orderIds.add(event.key());
            }
        }
        Map<String, OrderSummary> stored = readModel.loadOrders(orderIds);
        // An order the batch still being written changed is as that batch left it, not as stored.
        batch.inFlight().ifPresent(inFlight -> orderIds.forEach(orderId ->
                inFlight.changedOrder(orderId).ifPresent(order -> stored.put(orderId, order))));
        batch.changes().load(orderIds, stored);
    }

    @Override
    public Outcome handle(EventContext context, Next<EventContext> next) {
        OrderEvent event = context.payload(OrderEvent.class);
        ReadModelChanges changes = context.batch(BatchScope.class).changes();
        String orderId = event.orderId();
        if (!changes.isLoaded(orderId)) {
            // A record whose key is not its order id (or has no key) was not looked up with the batch.
            changes.load(List.of(orderId), readModel.loadOrders(List.of(orderId)));
        }
        long position = position(context);
        UUID eventId = UUID.fromString(context.eventId());
        Optional<OrderSummary> current = changes.order(orderId);
        if (current.isPresent() && position <= current.get().lastPosition()) {
            // SkipDuplicates, which runs first, found no record of this event: it was never applied,
            // and skipping it would lose its effect without a trace.
            throw new OutOfPositionException(orderId, eventId, context.eventType(), position,
                    current.get().lastPosition());
        }

        ReceivedEvent received = context.event();
        AppliedEvent applied = new AppliedEvent(eventId, orderId, context.eventType(), position,
                received.topic(), received.partition(), received.offset());
        if (event instanceof OrderPlaced placed) {
            if (current.isPresent()) {
                throw violation(orderId, "placed again, but it was placed at position " + current.get().lastPosition());
            }
            OrderSummary after = OrderSummary.placed(orderId, placed.customerId(), placed.currency(),
                    placed.total().amount(), placed.itemCount(), placed.placedAt(), eventId, position);
            LineProducts products = context.enrichment(LineProducts.class)
                    .orElseThrow(() -> new IllegalStateException("EnrichOrderData must run before SyncReadModel"));
            changes.apply(applied, after, lines(placed, products), CustomerDelta.placed());
        } else if (event instanceof OrderPaid paid) {
            OrderSummary order = existing(current, orderId, "paid");
            requireStatus(order, "paid", OrderStatus.PLACED);
            if (!paid.currency().equals(order.currency())) {
                throw violation(orderId, "paid in " + paid.currency() + " but the order is in " + order.currency());
            }
            changes.apply(applied, order.paid(paid.paymentId(), paid.amount(), paid.paidAt(), eventId, position),
                    List.of(), CustomerDelta.paid(paid.amount()));
        } else if (event instanceof OrderShipped shipped) {
            OrderSummary order = existing(current, orderId, "shipped");
            requireStatus(order, "shipped", OrderStatus.PLACED, OrderStatus.PAID);
            changes.apply(applied, order.shipped(shipped.shippedAt(), eventId, position), List.of(), CustomerDelta.NONE);
        } else if (event instanceof OrderDelivered delivered) {
            OrderSummary order = existing(current, orderId, "delivered");
            requireStatus(order, "delivered", OrderStatus.SHIPPED);
            changes.apply(applied, order.delivered(delivered.deliveredAt(), eventId, position), List.of(),
                    CustomerDelta.NONE);
        } else if (event instanceof OrderCancelled cancelled) {
            OrderSummary order = existing(current, orderId, "cancelled");
            requireStatus(order, "cancelled", OrderStatus.PLACED, OrderStatus.PAID);
            changes.apply(applied, order.cancelled(cancelled.cancelledAt(), eventId, position), List.of(),
                    CustomerDelta.cancelled());
        } else {
            throw new IllegalStateException("no read-model rule for " + event.getClass().getName());
        }
        return next.handle(context);
    }

    private static List<LineRow> lines(OrderPlaced placed, LineProducts products) {
        List<LineRow> rows = new ArrayList<>(placed.lines().size());
        for (OrderLine line : placed.lines()) {
            Optional<Product> product = products.product(line.sku());
            rows.add(new LineRow(placed.orderId(), line.lineId(), line.sku(),
                    product.map(Product::name).orElse(null), product.map(Product::category).orElse(null),
                    line.quantity(), line.unitPrice().amount(), line.lineTotal().amount()));
        }
        return rows;
    }

    private static OrderSummary existing(Optional<OrderSummary> current, String orderId, String what) {
        return current.orElseThrow(() -> violation(orderId, what + ", but the order was never placed"));
    }

    private static void requireStatus(OrderSummary order, String what, OrderStatus... allowed) {
        for (OrderStatus status : allowed) {
            if (order.status() == status) {
                return;
            }
        }
        throw violation(order.orderId(), what + ", but the order is " + order.status().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static BusinessRuleViolationException violation(String orderId, String message) {
        return new BusinessRuleViolationException(orderId, message);
    }

    /** The outbox position the version guard compares: the {@code ce_outboxposition} header. */
    private static long position(EventContext context) {
        String position = context.event().header(EventHeaders.POSITION).orElseThrow(() -> new InvalidEventException(
                "event " + context.eventId(), List.of(new Violation(EventHeaders.POSITION,
                        "header " + EventHeaders.POSITION + " is missing; the read model's version guard orders an order's events by it"))));
        return Long.parseLong(position); // ValidateEventSchema checked it is a positive integer
    }
}
