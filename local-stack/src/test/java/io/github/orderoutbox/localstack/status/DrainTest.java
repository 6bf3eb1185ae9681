package io.github.orderoutbox.localstack.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DrainTest {

    private final Drain drain = new Drain(1_000);

    @Test
    void isCompleteWhenTheDemoIsDoneNothingWaitsNoLagAndEveryWrittenEventIsApplied() {
        assertThat(drain.isComplete(figures(true, 0L, 0L, 1_500L))).isTrue();
    }

    @Test
    void isNotCompleteWhileTheDemoWritesOrAnythingIsLeft() {
        assertThat(drain.isComplete(figures(false, 0L, 0L, 1_500L))).as("demo still writing").isFalse();
        assertThat(drain.isComplete(figures(true, 3L, 0L, 1_500L))).as("outbox rows waiting").isFalse();
        assertThat(drain.isComplete(figures(true, 0L, 2L, 1_500L))).as("consumer lag").isFalse();
        assertThat(drain.isComplete(figures(true, 0L, 0L, 1_499L))).as("one event not applied").isFalse();
        assertThat(drain.isComplete(figures(true, null, 0L, 1_500L))).as("outbox unreadable").isFalse();
    }

    @Test
    void reportsAppliedEventsSinceTheDemoStarted() {
        assertThat(drain.report(figures(true, 0L, 0L, 1_400L))).contains("events applied since the demo started: 400 of 500");
    }

    private static Figures figures(boolean done, Long waiting, Long lag, Long applied) {
        return new Figures(500L, 500L, done, waiting, 500L, applied, lag, 0L, 0L);
    }
}
