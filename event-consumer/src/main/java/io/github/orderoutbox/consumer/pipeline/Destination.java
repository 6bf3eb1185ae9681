package io.github.orderoutbox.consumer.pipeline;

/**
 * Where a context arrives when every pipe has handed it on; reaching it is what makes an
 * {@link Outcome} {@linkplain Outcome#isCompleted() completed}. It is timed and named like a pipe.
 *
 * @param <C> the context that travels through the chain
 */
@FunctionalInterface
public interface Destination<C> {

    /** Receives a context that passed every pipe. */
    void accept(C context) throws Exception;
}
