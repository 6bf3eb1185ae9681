package io.github.orderoutbox.demo.progress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the demo has committed, for {@code /demo/status} and Prometheus
 * ({@code demo_orders_written_total}, {@code demo_events_written_total},
 * {@code demo_poison_written_total}, {@code demo_orders_open}). Callers count after the
 * transaction has committed, so a rolled-back change is never counted.
 */
public final class DemoProgress {

    private final Counter orders;
    private final Counter events;
    private final Counter poison;
    private final AtomicLong open = new AtomicLong();
    private volatile boolean placingFinished;

    public DemoProgress(MeterRegistry registry) {
        orders = Counter.builder("demo.orders.written").description("Orders placed (committed with their OrderPlaced event)")
                .register(registry);
        events = Counter.builder("demo.events.written").description("Events appended to the outbox (committed), poison included")
                .register(registry);
        poison = Counter.builder("demo.poison.written").description("Poison events appended: deliveries committed before their shipment, which the consumer dead-letters")
                .register(registry);
        Gauge.builder("demo.orders.open", open, AtomicLong::get)
                .description("Orders placed that have not reached their final state (delivered or cancelled)").register(registry);
    }

    /** An order and its OrderPlaced event were committed; it is open until {@link #orderFinished()}. */
    public void orderPlaced() {
        open.incrementAndGet();
        orders.increment();
        events.increment();
    }

    /** A later event of an order was committed. */
    public void eventWritten(boolean isPoison) {
        events.increment();
        if (isPoison) {
            poison.increment();
        }
    }

    /** An order reached its final state, or was given up. */
    public void orderFinished() {
        open.decrementAndGet();
    }

    /** No more orders will be placed by the traffic (demo.orders reached). */
    public void placingFinished() {
        placingFinished = true;
    }

    public DemoStatus status() {
        return new DemoStatus((long) orders.count(), (long) events.count(), (long) poison.count(),
                placingFinished && open.get() == 0);
    }
}
