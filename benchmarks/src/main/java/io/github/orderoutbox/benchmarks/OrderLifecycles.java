package io.github.orderoutbox.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

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
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Order events as the relay publishes them, for the consumer's benchmark: key = order id, the JSON
 * payload, the CloudEvents headers with event version and outbox position, and a
 * {@code traceparent}.
 *
 * <p>Each order lives a realistic life: {@code OrderPlaced} with one to three lines of products
 * that are in the catalogue ({@link #PRODUCTS} skus), {@code OrderPaid} for the total, then
 * {@code OrderShipped} and {@code OrderDelivered}; one order in ten is cancelled before it is paid
 * and one in ten after. About {@code openOrders} orders are in progress at any time, and the next
 * event is that of one of them picked at random, so the events of different orders interleave as
 * they do in the outbox, while each order's events keep their order. A stream starts with every
 * order still to be placed, so its first {@code openOrders} events or so are mostly
 * {@code OrderPlaced}; the mix is steady after a few times that many events (hence the benchmark's
 * warm-up).
 *
 * <p>Seeded: the same arguments give the same records, event ids and positions included, so a
 * topic can carry the same events a second time.
 */
final class OrderLifecycles {

    /** Skus {@code SKU-1} to {@code SKU-5000}, as {@link BenchmarkDatabase#insertCatalog} fills the catalogue. */
    static final int PRODUCTS = 5_000;
    static final int CUSTOMERS = 2_000;
    private static final Instant T0 = Instant.parse("2026-11-28T08:00:00Z");
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private enum Step { PLACE, PAY, SHIP, DELIVER, CANCEL }

    private static final List<Step> DELIVERED = List.of(Step.PLACE, Step.PAY, Step.SHIP, Step.DELIVER);
    private static final List<Step> CANCELLED_UNPAID = List.of(Step.PLACE, Step.CANCEL);
    private static final List<Step> CANCELLED_PAID = List.of(Step.PLACE, Step.PAY, Step.CANCEL);

    private final String orderPrefix;
    private final int openOrders;
    private final long seed;
    private final EventJson json = new EventJson();

    /**
     * @param orderPrefix starts every order id, so streams of different prefixes never share an order
     * @param openOrders  how many orders are in progress at a time
     */
    OrderLifecycles(String orderPrefix, int openOrders, long seed) {
        this.orderPrefix = orderPrefix;
        this.openOrders = openOrders;
        this.seed = seed;
    }

    /**
     * Makes the first {@code count} events of this stream, with positions from 1 on, and sends
     * those from index {@code from} on to the topic; waits until the broker has them all.
     *
     * @return what the read model holds after the consumer has applied all {@code count} events
     */
    ReadModelCounts send(Producer<byte[], byte[]> producer, String topic, int from, int count) {
        Events events = events();
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (int i = 0; i < count; i++) {
            Event next = events.next();
            if (i >= from) {
                producer.send(record(topic, next.event(), next.id(), i + 1L), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
        }
        producer.flush();
        if (failure.get() != null) {
            throw new IllegalStateException("sending the benchmark's events failed", failure.get());
        }
        return events.readModel();
    }

    /** The stream's events one at a time, from the first, for a caller that writes them itself (into the outbox). */
    Events events() {
        return new Events();
    }

    /** An event of the stream and its id ({@code ce_id}, {@code outbox.event_id}). */
    record Event(OrderEvent event, UUID id) {
    }

    /** The events of the stream in order; one thread's. */
    final class Events {

        private final Random random = new Random(seed);
        private final List<Order> open = new ArrayList<>(openOrders);
        private final Counts counts = new Counts();
        private int nextOrder;
        private long made;

        private Events() {
        }

        Event next() {
            while (open.size() < openOrders) {
                open.add(newOrder(random, nextOrder++));
            }
            int slot = random.nextInt(open.size());
            Order order = open.get(slot);
            OrderEvent event = order.next(counts);
            UUID eventId = new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
                    (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L);
            if (order.isDone()) {
                open.set(slot, open.get(open.size() - 1));
                open.remove(open.size() - 1);
            }
            made++;
            return new Event(event, eventId);
        }

        /** What the read model holds once the consumer has applied every event made so far. */
        ReadModelCounts readModel() {
            return counts.toReadModel(made);
        }
    }

    private Order newOrder(Random random, int index) {
        int customer = random.nextInt(CUSTOMERS);
        String currency = customer % 10 == 0 ? "USD" : "EUR"; // one customer in ten buys in dollars
        int lineCount = 1 + random.nextInt(3);
        List<OrderLine> lines = new ArrayList<>(lineCount);
        for (int line = 1; line <= lineCount; line++) {
            int product = 1 + random.nextInt(PRODUCTS);
            lines.add(OrderLine.of(Integer.toString(line), "SKU-" + product, 1 + random.nextInt(3), price(product, currency)));
        }
        int fate = random.nextInt(10);
        List<Step> steps = fate == 0 ? CANCELLED_UNPAID : fate == 1 ? CANCELLED_PAID : DELIVERED;
        Instant placedAt = T0.plusSeconds(index);
        OrderPlaced placed = OrderPlaced.of(orderPrefix + index, "customer-" + customer, lines, placedAt);
        return new Order(placed, steps);
    }

    /** A product's price: 2.50 to 102.25, the same for every order. */
    private static Money price(int product, String currency) {
        return new Money(BigDecimal.valueOf(250 + (product % 400) * 25L, 2), currency);
    }

    private ProducerRecord<byte[], byte[]> record(String topic, OrderEvent event, UUID eventId, long position) {
        EventType type = EventType.of(event);
        RecordHeaders headers = new RecordHeaders();
        header(headers, EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_1_0);
        header(headers, EventHeaders.ID, eventId.toString());
        header(headers, EventHeaders.TYPE, type.typeName());
        header(headers, EventHeaders.SOURCE, "/orders-service");
        header(headers, EventHeaders.SUBJECT, event.orderId());
        header(headers, EventHeaders.TIME, T0.plusMillis(position).toString());
        header(headers, EventHeaders.CONTENT_TYPE, EventHeaders.APPLICATION_JSON);
        header(headers, EventHeaders.EVENT_VERSION, Integer.toString(type.newestVersion()));
        header(headers, EventHeaders.POSITION, Long.toString(position));
        header(headers, EventHeaders.AGGREGATE_TYPE, "order");
        header(headers, "traceparent", TRACEPARENT);
        return new ProducerRecord<>(topic, null, null, event.orderId().getBytes(UTF_8), json.write(event), headers);
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(UTF_8));
    }

    /** One order on its way through its steps. */
    private static final class Order {

        private final OrderPlaced placed;
        private final List<Step> steps;
        private int done;

        Order(OrderPlaced placed, List<Step> steps) {
            this.placed = placed;
            this.steps = steps;
        }

        boolean isDone() {
            return done == steps.size();
        }

        /** The order's next event; counts what it does to the read model. */
        OrderEvent next(Counts counts) {
            Step step = steps.get(done++);
            String id = placed.orderId();
            Instant at = placed.placedAt();
            return switch (step) {
                case PLACE -> {
                    counts.placed(placed.lines().size());
                    yield placed;
                }
                case PAY -> {
                    counts.moved("PLACED", "PAID");
                    counts.paid(placed.total().amount());
                    yield new OrderPaid(id, "pay-" + id, placed.total().amount(), placed.currency(), at.plus(Duration.ofMinutes(5)));
                }
                case SHIP -> {
                    counts.moved("PAID", "SHIPPED");
                    yield new OrderShipped(id, id.hashCode() % 2 == 0 ? "DHL" : "UPS", "TRK-" + id, at.plus(Duration.ofDays(1)));
                }
                case DELIVER -> {
                    counts.moved("SHIPPED", "DELIVERED");
                    yield new OrderDelivered(id, at.plus(Duration.ofDays(3)));
                }
                case CANCEL -> {
                    counts.moved(done == 2 ? "PLACED" : "PAID", "CANCELLED");
                    counts.cancelled();
                    yield new OrderCancelled(id, done == 2 ? "customer request" : "out of stock", at.plus(Duration.ofHours(2)));
                }
            };
        }
    }

    /** What the events made so far do to the read model. */
    private static final class Counts {

        private final TreeMap<String, Long> statuses = new TreeMap<>();
        private long orders;
        private long lines;
        private long cancelled;
        private BigDecimal paid = BigDecimal.ZERO;

        void placed(int lineCount) {
            orders++;
            lines += lineCount;
            statuses.merge("PLACED", 1L, Long::sum);
        }

        void moved(String from, String to) {
            statuses.merge(from, -1L, Long::sum);
            statuses.merge(to, 1L, Long::sum);
        }

        void paid(BigDecimal amount) {
            paid = paid.add(amount);
        }

        void cancelled() {
            cancelled++;
        }

        ReadModelCounts toReadModel(long events) {
            TreeMap<String, Long> held = new TreeMap<>(statuses);
            held.values().removeIf(count -> count == 0);
            return new ReadModelCounts(events, orders, held, lines, 0, orders, cancelled, paid, 0, 0);
        }
    }
}
