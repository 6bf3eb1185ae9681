package io.github.orderoutbox.demo.config;

import io.github.orderoutbox.demo.traffic.TrafficSettings;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the demo ({@code demo.*}, e.g. {@code DEMO_RATE}), validated at start-up so a
 * bad value fails fast with the name of the property. The connection uses Spring Boot's standard
 * names: {@code spring.datasource.*} (the writer login) and {@code spring.flyway.*} (the owner,
 * for the demo's own tables).
 *
 * @param rate        orders placed per second; their later events (paid, shipped, delivered or
 *                    cancelled) follow over the next seconds, interleaved with new orders
 * @param orders      stop placing orders after this many (the demo is done once each has reached
 *                    its final state); 0 places orders for ever
 * @param poisonEvery every n-th order is a poison: delivered by a writer that skips the
 *                    order-row lock, so its OrderDelivered commits before its OrderShipped and the
 *                    consumer dead-letters it (see docs/demo.md); 0 never does
 * @param stepDelay   mean wait between two events of one order (each wait is drawn between half
 *                    and one and a half times it)
 * @param threads     threads writing orders and their events
 * @param poisonHold  how long a poison's shipment transaction stays open after its delivery has
 *                    committed: long enough for the relay to publish the delivery first (its
 *                    longest idle wait, {@code relay.poll-interval-max}, is 250 ms by default);
 *                    the demo cannot see the outbox, so it cannot wait for that itself
 */
@Validated
@ConfigurationProperties("demo")
public record DemoProperties(
        @DefaultValue("50") @Positive @DecimalMax("10000") double rate,
        @DefaultValue("0") @Min(0) long orders,
        @DefaultValue("0") @Min(0) long poisonEvery,
        @DefaultValue("2s") @NotNull Duration stepDelay,
        @DefaultValue("4") @Min(1) @Max(64) int threads,
        @DefaultValue("2s") @NotNull Duration poisonHold) {

    @AssertTrue(message = "demo.step-delay must be positive")
    boolean isStepDelayPositive() {
        return stepDelay != null && !stepDelay.isNegative() && !stepDelay.isZero();
    }

    @AssertTrue(message = "demo.poison-hold must not be negative")
    boolean isPoisonHoldNotNegative() {
        return poisonHold != null && !poisonHold.isNegative();
    }

    /** The settings of the traffic. */
    public TrafficSettings traffic() {
        return new TrafficSettings(rate, orders, poisonEvery, stepDelay, threads, poisonHold);
    }
}
