package io.github.orderoutbox.demo.traffic;

import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPlaced;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Makes up orders as a small shop sees them:
 * <ul>
 *   <li><b>Customers.</b> A quarter of the orders come from five regulars ({@code c-regular-1} to
 *       {@code -5}), the rest from twenty thousand occasional customers; a customer always pays in
 *       the same currency (regulars in euros, others mostly euros, some pounds or dollars).</li>
 *   <li><b>Baskets.</b> One to four lines of distinct products, one to three units each.</li>
 *   <li><b>Lifecycles.</b> Of a hundred orders, about 85 are paid, shipped and delivered, 10 are
 *       cancelled by the customer before payment and 5 are paid and then cancelled (out of stock)
 *       before shipping. A poison order is paid, then shipped and delivered by two overlapping
 *       transactions, the delivery's skipping the order-row lock (see
 *       {@code Orders.shipAndDeliverSkippingTheLock}).</li>
 * </ul>
 * Thread-safe: it draws from a {@link RandomGenerator} given per call.
 */
public final class OrderMix {

    static final int REGULARS = 5;
    static final int OCCASIONAL_CUSTOMERS = 20_000;

    /** Paid as usual; then shipped and delivered out of commit order, and the delivery recorded on the order. */
    static final List<Step> POISON = List.of(Step.PAY, Step.SHIP_AND_DELIVER_SKIPPING_THE_LOCK, Step.RECORD_DELIVERY);

    private final Clock clock;

    public OrderMix(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A new order with the given id, placed now, and its plan. */
    public PlannedOrder next(String orderId, boolean poison, RandomGenerator random) {
        String customer = random.nextInt(4) == 0
                ? "c-regular-" + (1 + random.nextInt(REGULARS))
                : "c-" + (1 + random.nextInt(OCCASIONAL_CUSTOMERS));
        String currency = currencyOf(customer);
        OrderPlaced order = OrderPlaced.of(orderId, customer, basket(currency, random), clock.instant());
        return new PlannedOrder(order, poison ? POISON
                : lifecycle(random));
    }

    /** The currency a customer always pays in: regulars in euros, one in ten others in pounds, one in twenty in dollars. */
    static String currencyOf(String customer) {
        if (customer.startsWith("c-regular-")) {
            return "EUR";
        }
        int bucket = Math.floorMod(customer.hashCode(), 20);
        return bucket < 2 ? "GBP" : bucket < 3 ? "USD" : "EUR";
    }

    private static List<OrderLine> basket(String currency, RandomGenerator random) {
        int lineCount = 1 + random.nextInt(4);
        Set<Product> chosen = new LinkedHashSet<>();
        while (chosen.size() < lineCount) {
            chosen.add(Products.ALL.get(random.nextInt(Products.ALL.size())));
        }
        List<OrderLine> lines = new ArrayList<>(lineCount);
        int lineId = 1;
        for (Product product : chosen) {
            lines.add(OrderLine.of(Integer.toString(lineId++), product.sku(), 1 + random.nextInt(3),
                    Products.price(product, currency)));
        }
        return lines;
    }

    private static List<Step> lifecycle(RandomGenerator random) {
        int draw = random.nextInt(100);
        if (draw < 10) {
            return List.of(Step.CANCEL_BY_CUSTOMER);
        }
        if (draw < 15) {
            return List.of(Step.PAY, Step.CANCEL_OUT_OF_STOCK);
        }
        return List.of(Step.PAY, Step.SHIP, Step.DELIVER);
    }
}
