package io.github.orderoutbox.model.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * {@code min(max, base * 2^n)}, so retries of many rows or instances spread out instead of
 * arriving together. Example with base 1 s, max 5 min: attempt 0 waits 0.5-1 s, attempt 3 waits
 * 4-8 s, attempt 9 and later wait 2.5-5 min.
 */
public record Backoff(Duration base, Duration max) {

    public Duration delay(int attempt) {
        long ceiling = max.toMillis();
        long exponential = base.toMillis() << Math.min(attempt, 30);
        long cap = exponential <= 0 || exponential > ceiling ? ceiling : exponential;
        long half = cap / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(cap - half + 1));
    }
}
