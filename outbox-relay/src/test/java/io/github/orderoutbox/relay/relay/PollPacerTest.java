package io.github.orderoutbox.relay.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollPacerTest {

    private final PollPacer pacer = new PollPacer(Duration.ofMillis(2), Duration.ofMillis(250));

    @Test
    void pollsAgainAtOnceAfterAFullBatch() {
        assertThat(pacer.nanosToWait(100, 100)).isZero();
    }

    @Test
    void waitsTheMinimumAfterAPartBatch() {
        assertThat(pacer.nanosToWait(3, 100)).isEqualTo(Duration.ofMillis(2).toNanos());
    }

    @Test
    void doublesTheWaitWhileIdleUpToTheMaximum() {
        long[] waits = new long[10];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = pacer.nanosToWait(0, 100) / 1_000_000;
        }
        assertThat(waits).containsExactly(2, 4, 8, 16, 32, 64, 128, 250, 250, 250);
    }

    @Test
    void keepsTheMinimumForAShortGapAfterRowsThenDoubles() {
        pacer.nanosToWait(3, 100);
        int gracePolls = (int) (PollPacer.IDLE_GRACE.toMillis() / 2); // 25 polls of 2 ms
        for (int i = 0; i < gracePolls; i++) {
            assertThat(pacer.nanosToWait(0, 100)).as("empty poll %d after rows", i + 1).isEqualTo(Duration.ofMillis(2).toNanos());
        }
        long[] waits = new long[4];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = pacer.nanosToWait(0, 100) / 1_000_000;
        }
        assertThat(waits).containsExactly(2, 4, 8, 16);
    }

    @Test
    void returnsToTheMinimumAsSoonAsRowsArrive() {
        for (int i = 0; i < 10; i++) {
            pacer.nanosToWait(0, 100);
        }
        assertThat(pacer.nanosToWait(1, 100)).isEqualTo(Duration.ofMillis(2).toNanos());
        assertThat(pacer.nanosToWait(0, 100)).isEqualTo(Duration.ofMillis(2).toNanos());
    }
}
