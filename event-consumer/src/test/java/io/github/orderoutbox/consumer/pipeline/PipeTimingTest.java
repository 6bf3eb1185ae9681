package io.github.orderoutbox.consumer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each pipe is timed for its own work only. The sleeps are chosen so that counting the pipes after
 * one would at least double its time; the upper bounds leave room for a loaded machine, not for
 * that mistake.
 */
class PipeTimingTest {

    /** Works 5 ms, then hands on. */
    static final class FiveBefore implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) throws InterruptedException {
            Thread.sleep(5);
            return next.handle(context);
        }
    }

    /** Works 20 ms, then hands on. */
    static final class TwentyBefore implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) throws InterruptedException {
            Thread.sleep(20);
            return next.handle(context);
        }
    }

    /** Works 5 ms before and 5 ms after the rest of the chain. */
    static final class FiveAroundNext implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) throws InterruptedException {
            Thread.sleep(5);
            Outcome outcome = next.handle(context);
            Thread.sleep(5);
            return outcome;
        }
    }

    /** Runs the rest of the chain twice, as a pipe that retries would. */
    static final class CallsNextTwice implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            next.handle(context);
            return next.handle(context);
        }
    }

    /** Works 10 ms, then fails. */
    static final class TenThenFail implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) throws InterruptedException {
            Thread.sleep(10);
            throw new IllegalStateException("late failure");
        }
    }

    private final RecordingTimer timer = new RecordingTimer();

    @Test
    void pipeIsTimedWithoutThePipesAfterIt() {
        Pipeline.through(List.<Pipe<Trace>>of(new FiveBefore(), new TwentyBefore())).timedBy(timer).build()
                .send(new Trace());

        assertThat(timer.of("FiveBefore").millis()).isBetween(5L, 19L);
        assertThat(timer.of("TwentyBefore").millis()).isBetween(20L, 60L);
    }

    @Test
    void workBeforeAndAfterNextBothCount() {
        Pipeline.through(List.<Pipe<Trace>>of(new FiveAroundNext(), new TwentyBefore())).timedBy(timer).build()
                .send(new Trace());

        assertThat(timer.of("FiveAroundNext").millis()).isBetween(10L, 24L);
    }

    @Test
    void everyRunOfTheRestIsSubtractedWhenNextIsCalledTwice() {
        Pipeline.through(List.<Pipe<Trace>>of(new CallsNextTwice(), new TwentyBefore())).timedBy(timer).build()
                .send(new Trace());

        assertThat(timer.of("CallsNextTwice").millis()).isLessThan(15L);
        assertThat(timer.samples).extracting(RecordingTimer.Sample::pipe)
                .containsExactly("TwentyBefore", "TwentyBefore", "CallsNextTwice");
    }

    @Test
    void failedAndUpstreamPipesAreTimedToo() {
        Pipeline<Trace> pipeline = Pipeline.through(List.<Pipe<Trace>>of(new FiveBefore(), new TenThenFail()))
                .timedBy(timer).build();

        assertThatThrownBy(() -> pipeline.send(new Trace())).isInstanceOf(PipeFailedException.class);

        assertThat(timer.of("TenThenFail").millis()).isBetween(10L, 50L);
        assertThat(timer.of("FiveBefore").millis()).isBetween(5L, 14L);
    }

    @Test
    void destinationIsTimedUnderItsClassName() {
        Pipeline.through(List.<Pipe<Trace>>of(new FiveBefore())).timedBy(timer).then(new PipelineTest.Arrive())
                .send(new Trace());

        assertThat(timer.samples).extracting(RecordingTimer.Sample::pipe).containsExactly("Arrive", "FiveBefore");
        assertThat(timer.of("FiveBefore").millis()).isBetween(5L, 19L);
    }

    @Test
    void timingsStayExclusiveAcrossEvents() {
        Pipeline<Trace> pipeline = Pipeline.through(List.<Pipe<Trace>>of(new FiveBefore(), new TwentyBefore()))
                .timedBy(timer).build();

        for (int i = 0; i < 3; i++) {
            pipeline.send(new Trace(i));
        }

        assertThat(timer.samples).hasSize(6)
                .filteredOn(sample -> sample.pipe().equals("FiveBefore"))
                .allSatisfy(sample -> assertThat(sample.millis()).isBetween(5L, 19L));
    }
}
