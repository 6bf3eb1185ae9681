package io.github.orderoutbox.consumer.pipeline;

/**
 * The rest of the chain after one pipe: the pipes after it and then the destination. A pipe
 * receives it in {@link Pipe#handle} and calls it to hand the context on.
 *
 * <p>The pipeline builds one {@code Next} per pipe when it is built and reuses it for every event,
 * so handing on costs no allocation.
 *
 * @param <C> the context that travels through the chain
 */
@FunctionalInterface
public interface Next<C> {

    /**
     * Runs the rest of the chain on the context. A failure further down arrives here as a
     * {@link PipeFailedException} naming the pipe that failed; catching it is only for a pipe that
     * means to handle that failure.
     */
    Outcome handle(C context);
}
