package io.github.orderoutbox.relay.relay;

import java.time.Duration;

/**
 * Adaptive polling: poll again at once after a full batch, after the minimum interval when the
 * batch was partly full, and double the wait after every empty poll up to the maximum. A busy
 * outbox is drained back to back; an idle one is asked a few times a second at most.
 */
public class PollPacer {

    private final long minNanos;
    private final long maxNanos;
    private long idleWait;

    public PollPacer(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.idleWait = minNanos;
    }

    /** The wait before the next poll, given how many rows this poll claimed out of {@code batchSize}. */
    public long nanosToWait(int claimed, int batchSize) {
        if (claimed >= batchSize) {
            idleWait = minNanos;
            return 0;
        }
        if (claimed > 0) {
            idleWait = minNanos;
            return minNanos;
        }
        long wait = idleWait;
        idleWait = Math.min(maxNanos, idleWait * 2);
        return wait;
    }
}
