package io.github.orderoutbox.consumer.readmodel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.TreeMap;

/**
 * The read-model changes of one batch, kept in memory until they are written in one transaction:
 * the orders as the batch found them and as its events left them, the lines, the customer
 * counters, the applied-event records, and the orders blocked and records parked.
 *
 * <p>An event sees the effects of the events before it in the same batch ({@link #order} returns
 * the newest state), so a batch holding an order's OrderPlaced and OrderPaid applies both. Each
 * event's change is recorded whole or not at all: {@link #apply} is called once with everything
 * the event changes, after every rule has been checked.
 */
public final class ReadModelChanges {

    private final Map<String, OrderSummary> orders = new HashMap<>();
    private final Set<String> loaded = new HashSet<>();
    private final Map<UUID, Long> appliedPositions = new HashMap<>(); // event id -> its outbox position
    private final Map<String, OrderSummary> changedOrders = new LinkedHashMap<>();
    private final List<AppliedEvent> applied = new ArrayList<>();
    private final List<LineRow> lines = new ArrayList<>();
    private final Map<CustomerKey, CustomerDelta> customers = new TreeMap<>();
    private final List<BlockedOrder> blocked = new ArrayList<>();
    private final List<ParkedRecord> parked = new ArrayList<>();
    private final List<OrderRelease> releases = new ArrayList<>();

    /**
     * Adds orders as the read model holds them before the batch.
     *
     * @param orderIds the orders that were looked up
     * @param stored   those of them the read model has
     */
    public void load(Collection<String> orderIds, Map<String, OrderSummary> stored) {
        loaded.addAll(orderIds);
        stored.forEach(orders::putIfAbsent);
    }

    /** Whether the order was looked up (by {@link #load}), so that {@link #order} knows it. */
    public boolean isLoaded(String orderId) {
        return loaded.contains(orderId);
    }

    /**
     * The order as the events of the batch so far left it, or empty if the read model has none.
     *
     * @throws IllegalStateException if the order was not loaded, so its absence would mean nothing
     */
    public Optional<OrderSummary> order(String orderId) {
        if (!loaded.contains(orderId)) {
            throw new IllegalStateException("order " + orderId + " was not loaded for this batch");
        }
        return Optional.ofNullable(orders.get(orderId));
    }

    /**
     * Records one applied event with everything it changes.
     *
     * @param after    the order after the event
     * @param newLines lines the event adds (only OrderPlaced has any)
     * @param delta    what the event adds to its customer's row in the order's currency
     */
    public void apply(AppliedEvent event, OrderSummary after, List<LineRow> newLines, CustomerDelta delta) {
        applied.add(event);
        appliedPositions.put(event.eventId(), event.position());
        orders.put(after.orderId(), after);
        changedOrders.put(after.orderId(), after);
        lines.addAll(newLines);
        if (!delta.isNone()) {
            customers.merge(new CustomerKey(after.customerId(), after.currency()), delta, CustomerDelta::plus);
        }
    }

    /** Whether an event of this id was applied earlier in the batch. */
    public boolean isApplied(UUID eventId) {
        return appliedPositions.containsKey(eventId);
    }

    /** The outbox position of the event of this id applied earlier in the batch, if one was. */
    public OptionalLong appliedPosition(UUID eventId) {
        Long position = appliedPositions.get(eventId);
        return position == null ? OptionalLong.empty() : OptionalLong.of(position);
    }

    public void block(BlockedOrder order) {
        blocked.add(order);
    }

    public void park(ParkedRecord record) {
        parked.add(record);
    }

    public boolean isEmpty() {
        return applied.isEmpty() && blocked.isEmpty() && parked.isEmpty() && releases.isEmpty();
    }

    public List<AppliedEvent> applied() {
        return Collections.unmodifiableList(applied);
    }

    /** The final state of every order the batch changed, once per order. */
    public List<OrderSummary> changedOrders() {
        return List.copyOf(changedOrders.values());
    }

    /** The order as the batch left it, if the batch changed it. */
    public Optional<OrderSummary> changedOrder(String orderId) {
        return Optional.ofNullable(changedOrders.get(orderId));
    }

    public List<LineRow> lines() {
        return Collections.unmodifiableList(lines);
    }

    /**
     * What the batch adds to each customer row, sorted by customer and currency: every instance
     * updates rows in this one order, so two consumers whose batches share customers cannot
     * deadlock.
     */
    public Map<CustomerKey, CustomerDelta> customers() {
        return Collections.unmodifiableMap(customers);
    }

    public List<BlockedOrder> blocked() {
        return Collections.unmodifiableList(blocked);
    }

    public List<ParkedRecord> parked() {
        return Collections.unmodifiableList(parked);
    }

    /** The key of a {@code read_model.customer_summary} row. */
    public record CustomerKey(String customerId, String currency) implements Comparable<CustomerKey> {

        @Override
        public int compareTo(CustomerKey other) {
            int byCustomer = customerId.compareTo(other.customerId);
            return byCustomer != 0 ? byCustomer : currency.compareTo(other.currency);
        }
    }

    /**
     * Unblocks a redriven order in the batch's transaction: its redriven parked records and its
     * block are deleted after the events' effects are written.
     */
    public void release(OrderRelease release) {
        releases.add(release);
    }

    public List<OrderRelease> releases() {
        return Collections.unmodifiableList(releases);
    }
}
