package io.github.orderoutbox.demo.traffic;

import io.github.orderoutbox.demo.order.Orders;
import io.github.orderoutbox.demo.order.SkippedLock;
import io.github.orderoutbox.demo.progress.DemoProgress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Drives the demo: places an order every {@code 1 / demo.rate} seconds and, after each change of an
 * order has committed, schedules its next change a random {@code demo.step-delay} later, so new
 * orders and the later events of earlier ones interleave. Stops placing after {@code demo.orders}.
 *
 * <p>A change that fails (the database restarting, the outbox not migrated yet because the relay
 * has not started) is logged and tried again after a backoff that doubles up to 30 s; placing
 * pauses for the same backoff, so an outage costs one warning per attempt, not one per order. The
 * orders of a run are numbered {@code o-<run>-<n>}, the run being random, so a restarted demo never
 * reuses an order id; orders left open by an earlier run stay as they were.
 *
 * <p>A poison order's shipment holds a scheduler thread for {@code demo.poison-hold}
 * (see {@link Orders#shipAndDeliverSkippingTheLock}); with {@code demo.threads} of them, the others
 * go on meanwhile.
 */
public final class OrderTraffic implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OrderTraffic.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Orders orders;
    private final OrderMix mix;
    private final DemoProgress progress;
    private final TrafficSettings settings;
    private final String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
    private final AtomicLong placed = new AtomicLong();
    private final AtomicLong poisonOnDemand = new AtomicLong();

    // Only touched by the placing task, which never runs concurrently with itself.
    private long placingPausedUntil;
    private int placingFailures;

    private volatile ScheduledExecutorService executor;
    private volatile ScheduledFuture<?> placing;

    public OrderTraffic(Orders orders, OrderMix mix, DemoProgress progress, TrafficSettings settings) {
        this.orders = Objects.requireNonNull(orders, "orders");
        this.mix = Objects.requireNonNull(mix, "mix");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public synchronized void start() {
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newScheduledThreadPool(settings.threads(), task -> {
            Thread thread = new Thread(task, "demo-orders-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        log.info("demo.traffic.started run={} rate={} orders={} poison_every={} step_delay={}", run,
                settings.rate(), settings.orders(), settings.poisonEvery(), settings.stepDelay());
        if (placingDone()) {
            progress.placingFinished();
            return;
        }
        long interval = settings.placementInterval().toNanos();
        placing = executor.scheduleAtFixedRate(this::placeNext, 0, interval, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void stop() {
        ScheduledExecutorService running = executor;
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            if (!running.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("demo.traffic.stop_timeout effect=\"a change may still be committing\"");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
        log.info("demo.traffic.stopped orders_placed={}", placed.get());
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    /**
     * Writes one poison now, in the caller's thread: places a new order, pays it, then ships and
     * delivers it with the delivery skipping the order-row lock, and records the delivery on the
     * order. Returns once all of it has committed (after {@code demo.poison-hold}).
     */
    public Poison poisonNow() {
        String orderId = "o-" + run + "-poison-" + poisonOnDemand.incrementAndGet();
        PlannedOrder plan = mix.next(orderId, true, ThreadLocalRandom.current());
        orders.place(plan.order());
        progress.orderPlaced();
        try {
            orders.pay(orderId, paymentId());
            progress.eventWritten(false);
            SkippedLock poison = shipAndDeliverSkippingTheLock(orderId);
            orders.recordDelivery(orderId);
            return new Poison(orderId, poison.deliveredEventId(), poison.shippedEventId());
        } finally {
            progress.orderFinished();
        }
    }

    private SkippedLock shipAndDeliverSkippingTheLock(String orderId) {
        SkippedLock poison = orders.shipAndDeliverSkippingTheLock(orderId, carrier(), trackingNumber(), settings.poisonHold());
        progress.eventWritten(false);
        progress.eventWritten(true);
        log.info("demo.poison.written order_id={} event_id={} event_type=OrderDelivered shipped_event_id={}"
                + " effect=\"committed before OrderShipped, whose outbox id is lower\"", orderId,
                poison.deliveredEventId(), poison.shippedEventId());
        return poison;
    }

    private void placeNext() {
        try {
            if (placingDone()) {
                // The task may run once before start() has stored its future; cancel it from here.
                ScheduledFuture<?> self = placing;
                if (self != null) {
                    self.cancel(false);
                }
                return;
            }
            if (System.nanoTime() - placingPausedUntil < 0) {
                return;
            }
            long number = placed.get() + 1;
            boolean poison = settings.poisonEvery() > 0 && number % settings.poisonEvery() == 0;
            PlannedOrder plan = mix.next("o-" + run + "-" + number, poison, ThreadLocalRandom.current());
            try {
                orders.place(plan.order());
            } catch (RuntimeException e) {
                Duration backoff = backoff(++placingFailures);
                placingPausedUntil = System.nanoTime() + backoff.toNanos();
                log.warn("demo.order.place_failed order_id={} retry_in={} error=\"{}\"", plan.orderId(), backoff, e.getMessage());
                return;
            }
            placingFailures = 0;
            placed.set(number);
            progress.orderPlaced();
            scheduleStep(plan, 0, 0);
            if (placingDone()) {
                progress.placingFinished();
                log.info("demo.traffic.placing_finished orders={}", number);
            }
        } catch (RuntimeException e) {
            // An exception would end the fixed-rate task for good.
            log.error("demo.traffic.placing_error error=\"{}\"", e.getMessage(), e);
        }
    }

    private boolean placingDone() {
        return settings.orders() > 0 && placed.get() >= settings.orders();
    }

    private void scheduleStep(PlannedOrder plan, int index, int failures) {
        if (index >= plan.steps().size()) {
            progress.orderFinished();
            return;
        }
        ScheduledExecutorService running = executor;
        if (running == null || running.isShutdown()) {
            return;
        }
        Duration delay = failures == 0 ? jittered(settings.stepDelay()) : backoff(failures);
        running.schedule(() -> runStep(plan, index, failures), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void runStep(PlannedOrder plan, int index, int failures) {
        Step step = plan.steps().get(index);
        String orderId = plan.orderId();
        try {
            switch (step) {
                case PAY -> orders.pay(orderId, paymentId());
                case SHIP -> orders.ship(orderId, carrier(), trackingNumber());
                case DELIVER -> orders.deliver(orderId);
                case CANCEL_BY_CUSTOMER -> orders.cancel(orderId, "customer request");
                case CANCEL_OUT_OF_STOCK -> orders.cancel(orderId, "out of stock");
                case SHIP_AND_DELIVER_SKIPPING_THE_LOCK -> shipAndDeliverSkippingTheLock(orderId);
                case RECORD_DELIVERY -> orders.recordDelivery(orderId);
            }
        } catch (RuntimeException e) {
            log.warn("demo.order.step_failed order_id={} step={} attempt={} retry_in={} error=\"{}\"", orderId, step,
                    failures + 1, backoff(failures + 1), e.getMessage());
            scheduleStep(plan, index, failures + 1);
            return;
        }
        // The poison counts its two events itself; recording the delivery appends none.
        if (step != Step.SHIP_AND_DELIVER_SKIPPING_THE_LOCK && step != Step.RECORD_DELIVERY) {
            progress.eventWritten(false);
        }
        scheduleStep(plan, index + 1, 0);
    }

    private static Duration jittered(Duration mean) {
        long nanos = mean.toNanos();
        return Duration.ofNanos(nanos / 2 + ThreadLocalRandom.current().nextLong(nanos + 1));
    }

    private Duration backoff(int failures) {
        Duration delay = settings.stepDelay().multipliedBy(1L << Math.min(failures, 16));
        return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
    }

    private static String paymentId() {
        return "pay-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static final List<String> CARRIERS = List.of("DHL", "UPS", "DPD", "GLS");

    private static String carrier() {
        return CARRIERS.get(ThreadLocalRandom.current().nextInt(CARRIERS.size()));
    }

    private static String trackingNumber() {
        return "TRK" + (100_000_000L + ThreadLocalRandom.current().nextLong(900_000_000L));
    }
}
