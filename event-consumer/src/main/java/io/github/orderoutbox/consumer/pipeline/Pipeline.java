package io.github.orderoutbox.consumer.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered chain of {@link Pipe}s, and optionally a {@link Destination}, that each context is
 * sent through: built once from one explicit list, immutable, and shared by every event and every
 * thread.
 *
 * <pre>{@code
 * Pipeline<EventContext> pipeline = Pipeline.through(List.of(
 *                 new ValidateEventSchema(schemas),
 *                 new EnrichOrderData(catalog),
 *                 new SkipDuplicates(applied),
 *                 new SyncReadModel(readModel)))
 *         .timedBy(new MicrometerPipeTimer(registry))
 *         .build();
 *
 * Outcome outcome = pipeline.send(context);   // per event
 * }</pre>
 *
 * <p>Building links each pipe to the next once ({@code Next} objects made here, not per event),
 * so sending costs one call per pipe and allocates nothing unless a pipe stops or fails. A pipe is
 * named by its simple class name (in stop outcomes, failures and timings); a lambda or anonymous
 * pipe, which has none, is named by its position, as in {@code pipe#2}.
 *
 * @param <C> the context that travels through the chain
 */
public final class Pipeline<C> {

    private final List<String> pipeNames;
    private final Next<C> head;

    private Pipeline(List<String> pipeNames, Next<C> head) {
        this.pipeNames = pipeNames;
        this.head = head;
    }

    /** An untimed pipeline of these pipes, in this order, without a destination. */
    public static <C> Pipeline<C> of(List<? extends Pipe<C>> pipes) {
        return through(pipes).build();
    }

    /** Starts building a pipeline of these pipes, in this order. The list is copied. */
    public static <C> Builder<C> through(List<? extends Pipe<C>> pipes) {
        return new Builder<>(List.copyOf(pipes), PipeTimer.none());
    }

    /**
     * Sends one context through the pipes in order, then to the destination.
     *
     * @return {@link Outcome.Completed} if every pipe handed it on, else the {@link Outcome.Stopped}
     *         naming the pipe that stopped it
     * @throws PipeFailedException if a pipe or the destination threw, naming which; the pipes after
     *         it did not run
     */
    public Outcome send(C context) {
        return head.handle(Objects.requireNonNull(context, "context"));
    }

    /** The names of the pipes in the order they run, the destination last if there is one. */
    public List<String> pipeNames() {
        return pipeNames;
    }

    @Override
    public String toString() {
        return "Pipeline" + pipeNames;
    }

    /**
     * The name a pipe is known by: its simple class name, or its position for a pipe whose class
     * has no usable name (a lambda's hidden class, an anonymous class).
     */
    private static String nameOf(Object pipe, String fallback) {
        Class<?> type = pipe.getClass();
        if (type.isHidden() || type.isAnonymousClass() || type.isSynthetic()) {
            return fallback;
        }
        return type.getSimpleName();
    }

    /**
     * The pieces of a pipeline before it is built: its pipes and its timer. Immutable; each step
     * returns a new builder.
     *
     * @param <C> the context that travels through the chain
     */
    public static final class Builder<C> {

        private final List<Pipe<C>> pipes;
        private final PipeTimer timer;

        private Builder(List<Pipe<C>> pipes, PipeTimer timer) {
            this.pipes = pipes;
            this.timer = timer;
        }

        /** Times every pipe and the destination with this timer; {@link PipeTimer#none()} by default. */
        public Builder<C> timedBy(PipeTimer timer) {
            return new Builder<>(pipes, Objects.requireNonNull(timer, "timer"));
        }

        /** The pipeline that ends in this destination. */
        public Pipeline<C> then(Destination<? super C> destination) {
            Objects.requireNonNull(destination, "destination");
            List<Pipe<C>> chain = new ArrayList<>(pipes);
            chain.add(new Arrival<>(destination));
            List<String> names = namesOf(pipes);
            names.add(nameOf(destination, "destination"));
            return link(chain, names);
        }

        /** The pipeline without a destination: a context that passes every pipe is completed. */
        public Pipeline<C> build() {
            return link(pipes, namesOf(pipes));
        }

        private static List<String> namesOf(List<? extends Pipe<?>> pipes) {
            List<String> names = new ArrayList<>(pipes.size() + 1);
            for (Pipe<?> pipe : pipes) {
                names.add(nameOf(pipe, "pipe#" + (names.size() + 1)));
            }
            return names;
        }

        /** Links the pipes back to front, so each node is built with the node after it. */
        private Pipeline<C> link(List<Pipe<C>> chain, List<String> names) {
            // The no-op timer gets untimed nodes: not reading the clock is cheaper than discarding it.
            boolean timed = timer != PipeTimer.none();
            ThreadLocal<long[]> timeBelow = timed ? ThreadLocal.withInitial(() -> new long[1]) : null;
            Next<C> next = new ChainEnd<>();
            for (int i = chain.size() - 1; i >= 0; i--) {
                next = timed
                        ? new TimedPipeNode<>(names.get(i), chain.get(i), next, timer, timeBelow)
                        : new PipeNode<>(names.get(i), chain.get(i), next);
            }
            return new Pipeline<>(List.copyOf(names), next);
        }
    }
}
