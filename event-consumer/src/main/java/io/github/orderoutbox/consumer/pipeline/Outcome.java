package io.github.orderoutbox.consumer.pipeline;

import java.util.Objects;

/**
 * What became of one context sent through a {@link Pipeline}: it either reached the destination
 * ({@link Completed}) or a pipe stopped it ({@link Stopped}, with the pipe's name and reason).
 * A failure is not an outcome; it is thrown as a {@link PipeFailedException}.
 *
 * <p>Only the pipeline creates {@code Completed}, so a pipe cannot claim that the rest of the
 * chain ran without calling {@code next}: it can pass on what {@code next} returned, or stop.
 */
public sealed interface Outcome permits Outcome.Completed, Outcome.Stopped {

    /**
     * The outcome a pipe returns to stop the chain. The pipeline fills in the pipe's name on the
     * way back, so the caller of {@link Pipeline#send} sees which pipe stopped it.
     */
    static Outcome stop(StopReason reason) {
        return new Stopped(null, Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the context reached the destination. */
    default boolean isCompleted() {
        return this instanceof Completed;
    }

    /** The context passed every pipe and reached the destination. One shared instance. */
    final class Completed implements Outcome {

        static final Completed INSTANCE = new Completed();

        private Completed() {
        }

        @Override
        public String toString() {
            return "Completed";
        }
    }

    /** A pipe stopped the chain; the pipes after it and the destination did not run. */
    final class Stopped implements Outcome {

        private final String pipe;
        private final StopReason reason;

        Stopped(String pipe, StopReason reason) {
            this.pipe = pipe;
            this.reason = reason;
        }

        /** The name of the pipe that stopped the chain. */
        public String pipe() {
            return pipe;
        }

        public StopReason reason() {
            return reason;
        }

        /** Whether no pipe has been named yet: the outcome is on its way out of the pipe that stopped. */
        boolean unattributed() {
            return pipe == null;
        }

        Stopped by(String pipe) {
            return new Stopped(pipe, reason);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Stopped stopped
                    && Objects.equals(pipe, stopped.pipe)
                    && reason.equals(stopped.reason);
        }

        @Override
        public int hashCode() {
            return Objects.hash(pipe, reason);
        }

        @Override
        public String toString() {
            return "Stopped[pipe=" + pipe + ", reason=" + reason + "]";
        }
    }
}
