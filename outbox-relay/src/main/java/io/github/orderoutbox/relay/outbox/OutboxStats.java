package io.github.orderoutbox.relay.outbox;

import java.time.Duration;

/**
 * A snapshot of the outbox for gauges and operators.
 *
 * @param backlog        rows waiting to be published (not parked)
 * @param oldestAge      age of the oldest row waiting, zero when none
 * @param parkedRows     rows parked for an operator
 * @param retryingRows   rows that failed and wait for their next attempt
 */
public record OutboxStats(long backlog, Duration oldestAge, long parkedRows, long retryingRows) {

    public static final OutboxStats EMPTY = new OutboxStats(0, Duration.ZERO, 0, 0);
}
