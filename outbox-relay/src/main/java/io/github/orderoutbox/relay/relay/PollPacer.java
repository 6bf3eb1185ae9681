package io.github.orderoutbox.relay.relay;

import java.time.Duration;

/**
 * Adaptive polling: poll again at once after a full batch, after the minimum interval when the
 * batch was partly full, and double the wait after every empty poll up to the maximum. A busy
 * outbox is drained back to back; an idle one is asked a few times a second at most.
 *
 * <p>Empty polls right after rows were found still wait only the minimum, for {@link #IDLE_GRACE}:
 * under a steady load a short gap between commits (a writer's pause, a garbage collection) is not
 * idleness, and doubling at once would make the next rows wait 10, 20, 40 ms.
 */
public class PollPacer {

    /** How long after the last rows empty polls keep the minimum interval. */
    static final Duration IDLE_GRACE = Duration.ofMillis(50);

    private final long minNanos;
    private final long maxNanos;
    private final int gracePolls;
    private long idleWait;
    private int graceLeft;

    public PollPacer(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.gracePolls = (int) Math.max(1, IDLE_GRACE.toNanos() / minNanos);
        this.idleWait = minNanos;
    }

    /** The wait before the next poll, given how many rows this poll claimed out of {@code batchSize}. */
    public long nanosToWait(int claimed, int batchSize) {
        if (claimed > 0) {
            idleWait = minNanos;
            graceLeft = gracePolls;
            return claimed >= batchSize ? 0 : minNanos;
        }
        if (graceLeft > 0) {
            graceLeft--;
            return minNanos;
        }
        long wait = idleWait;
        idleWait = Math.min(maxNanos, idleWait * 2);
        return wait;
    }
}
