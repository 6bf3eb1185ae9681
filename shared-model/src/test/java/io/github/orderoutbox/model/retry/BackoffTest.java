package io.github.orderoutbox.model.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    @Test
    void growsExponentiallyWithJitterBetweenHalfAndAllOfTheStep() {
        for (int attempt = 0; attempt < 8; attempt++) {
            long step = 1000L << attempt;
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delay(attempt).toMillis()).isBetween(step / 2, step);
            }
        }
    }

    @Test
    void neverExceedsTheMaximumEvenForHugeAttemptCounts() {
        for (int attempt : new int[] {9, 20, 31, 63, 1000, Integer.MAX_VALUE}) {
            assertThat(backoff.delay(attempt)).isBetween(Duration.ofSeconds(150), Duration.ofMinutes(5));
        }
    }

    @Test
    void spreadsRetriesOfTheSameAttempt() {
        Set<Long> delays = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(backoff.delay(4).toMillis());
        }
        assertThat(delays).hasSizeGreaterThan(10);
    }
}
