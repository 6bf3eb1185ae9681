package io.github.orderoutbox.consumer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a context goes through the pipes: order, stops, failures, names, reuse. */
class PipelineTest {

    static final StopReason NOT_NOW = new StopReason("not-now", "the test said so");

    /** Records its visit and hands the context on. */
    static final class First implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("First");
            return next.handle(context);
        }
    }

    /** Records its visit and hands the context on. */
    static final class Second implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("Second");
            return next.handle(context);
        }
    }

    /** Records its visit and hands the context on. */
    static final class Third implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("Third");
            return next.handle(context);
        }
    }

    /** Records its visit and stops the chain. */
    static final class StopHere implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("StopHere");
            return Outcome.stop(NOT_NOW);
        }
    }

    /** Records its visit and throws. */
    static final class Explode implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("Explode");
            throw new IllegalStateException("boom");
        }
    }

    /** Records that the context arrived. */
    static final class Arrive implements Destination<Trace> {
        @Override
        public void accept(Trace context) {
            context.visit("Arrive");
        }
    }

    @Test
    void runsPipesInListOrderThenTheDestination() {
        Pipeline<Trace> pipeline = Pipeline.through(List.of(new Third(), new First(), new Second()))
                .then(new Arrive());
        Trace trace = new Trace();

        Outcome outcome = pipeline.send(trace);

        assertThat(trace.visits).containsExactly("Third", "First", "Second", "Arrive");
        assertThat(outcome.isCompleted()).isTrue();
        assertThat(pipeline.pipeNames()).containsExactly("Third", "First", "Second", "Arrive");
    }

    @Test
    void completesWithoutDestinationWhenEveryPipeHandsOn() {
        Trace trace = new Trace();

        Outcome outcome = Pipeline.of(List.of(new First(), new Second())).send(trace);

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(trace.visits).containsExactly("First", "Second");
    }

    @Test
    void pipeThatDoesNotCallNextStopsTheChainBeforeTheDestination() {
        Pipeline<Trace> pipeline = Pipeline.through(List.of(new First(), new StopHere(), new Second()))
                .then(new Arrive());
        Trace trace = new Trace();

        Outcome outcome = pipeline.send(trace);

        assertThat(trace.visits).containsExactly("First", "StopHere");
        assertThat(outcome.isCompleted()).isFalse();
    }

    @Test
    void stopOutcomeNamesThePipeAndItsReason() {
        Pipeline<Trace> pipeline = Pipeline.through(List.of(new First(), new StopHere(), new Second()))
                .then(new Arrive());

        Outcome outcome = pipeline.send(new Trace());

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Stopped.class, stopped -> {
            assertThat(stopped.pipe()).isEqualTo("StopHere");
            assertThat(stopped.reason()).isEqualTo(NOT_NOW);
        });
    }

    @Test
    void pipeBeforeAStopSeesTheStopComingBackFromNext() {
        List<Outcome> seenByFirst = new ArrayList<>();
        Pipe<Trace> watcher = (context, next) -> {
            Outcome rest = next.handle(context);
            seenByFirst.add(rest);
            return rest;
        };

        Outcome outcome = Pipeline.of(List.of(watcher, new StopHere())).send(new Trace());

        assertThat(seenByFirst).containsExactly(outcome);
        assertThat(((Outcome.Stopped) outcome).pipe()).isEqualTo("StopHere");
    }

    @Test
    void failureNamesTheFailedPipeAndLaterPipesDoNotRun() {
        Pipeline<Trace> pipeline = Pipeline.through(List.of(new First(), new Explode(), new Second()))
                .then(new Arrive());
        Trace trace = new Trace();

        PipeFailedException failure = catchThrowableOfType(PipeFailedException.class, () -> pipeline.send(trace));

        assertThat(failure.pipe()).isEqualTo("Explode");
        assertThat(failure).hasMessageContaining("Explode").hasMessageContaining("boom");
        assertThat(trace.visits).containsExactly("First", "Explode");
    }

    @Test
    void failureIsWrappedOnceNotOncePerPipeItPassesThrough() {
        Pipeline<Trace> pipeline = Pipeline.of(List.of(new First(), new Second(), new Third(), new Explode()));

        PipeFailedException failure = catchThrowableOfType(PipeFailedException.class, () -> pipeline.send(new Trace()));

        assertThat(failure.getCause()).isExactlyInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void checkedExceptionOfAPipeArrivesAsItsCause() {
        Pipe<Trace> reader = (context, next) -> {
            throw new IOException("disk gone");
        };

        assertThatThrownBy(() -> Pipeline.of(List.of(new First(), reader)).send(new Trace()))
                .isInstanceOfSatisfying(PipeFailedException.class, failure -> assertThat(failure.pipe()).isEqualTo("pipe#2"))
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void interruptedPipeLeavesTheThreadInterrupted() {
        Pipe<Trace> waiting = (context, next) -> {
            throw new InterruptedException("shutting down");
        };

        try {
            assertThatThrownBy(() -> Pipeline.of(List.of(waiting)).send(new Trace()))
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void failingDestinationIsNamedLikeAPipe() {
        Destination<Trace> broken = new Destination<>() {
            @Override
            public void accept(Trace context) {
                throw new IllegalArgumentException("no");
            }
        };

        PipeFailedException failure = catchThrowableOfType(PipeFailedException.class,
                () -> Pipeline.through(List.of(new First())).then(broken).send(new Trace()));

        assertThat(failure.pipe()).isEqualTo("destination");
    }

    @Test
    void pipeReturningNoOutcomeIsAFailureOfThatPipe() {
        Pipe<Trace> forgetful = (context, next) -> {
            next.handle(context);
            return null;
        };

        PipeFailedException failure = catchThrowableOfType(PipeFailedException.class,
                () -> Pipeline.of(List.of(new First(), forgetful, new Second())).send(new Trace()));

        assertThat(failure.pipe()).isEqualTo("pipe#2");
        assertThat(failure.getCause()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void isReusableForManyEvents() {
        Pipeline<Trace> pipeline = Pipeline.through(List.of(new First(), new Second())).then(new Arrive());

        for (int i = 0; i < 1_000; i++) {
            Trace trace = new Trace(i);
            assertThat(pipeline.send(trace).isCompleted()).isTrue();
            assertThat(trace.visits).containsExactly("First", "Second", "Arrive");
        }
    }

    @Test
    void laterChangesToTheListDoNotChangeTheBuiltPipeline() {
        List<Pipe<Trace>> pipes = new ArrayList<>(List.of(new First(), new Second()));
        Pipeline<Trace> pipeline = Pipeline.of(pipes);

        pipes.add(new StopHere());
        Trace trace = new Trace();

        assertThat(pipeline.send(trace).isCompleted()).isTrue();
        assertThat(trace.visits).containsExactly("First", "Second");
    }

    @Test
    void pipeMayWorkAfterNextAndCallItAgain() {
        Pipe<Trace> twice = (context, next) -> {
            next.handle(context);
            Outcome again = next.handle(context);
            context.visit("after");
            return again;
        };

        Trace trace = new Trace();
        Pipeline.of(List.of(twice, new First())).send(trace);

        assertThat(trace.visits).containsExactly("First", "First", "after");
    }
}
