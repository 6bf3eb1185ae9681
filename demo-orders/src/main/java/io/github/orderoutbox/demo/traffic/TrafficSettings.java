package io.github.orderoutbox.demo.traffic;

import java.time.Duration;
import java.util.Objects;

/**
 * What the traffic needs of the demo's settings ({@code demo.*}), so that this package does not
 * depend on the configuration that assembles it.
 *
 * @param rate        orders placed per second
 * @param orders      orders to place before stopping; 0 for ever
 * @param poisonEvery every n-th order is delivered by a writer that skips the order-row lock; 0 never
 * @param stepDelay   mean wait between two events of one order
 * @param threads     threads writing orders and their events
 * @param poisonHold  how long a poison's shipment stays open after its delivery committed
 */
public record TrafficSettings(double rate, long orders, long poisonEvery, Duration stepDelay, int threads,
                              Duration poisonHold) {

    public TrafficSettings {
        Objects.requireNonNull(stepDelay, "stepDelay");
        Objects.requireNonNull(poisonHold, "poisonHold");
        if (!(rate > 0) || orders < 0 || poisonEvery < 0 || stepDelay.isNegative() || stepDelay.isZero() || threads < 1
                || poisonHold.isNegative()) {
            throw new IllegalArgumentException("invalid traffic settings " + rate + "/s, " + orders + " orders, poison every "
                    + poisonEvery + ", step delay " + stepDelay + ", " + threads + " threads, poison hold " + poisonHold);
        }
    }

    /** The time between two placed orders. */
    public Duration placementInterval() {
        return Duration.ofNanos(Math.max(1, Math.round(1_000_000_000d / rate)));
    }
}
