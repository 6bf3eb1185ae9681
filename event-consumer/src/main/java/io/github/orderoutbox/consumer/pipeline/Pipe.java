package io.github.orderoutbox.consumer.pipeline;

/**
 * One step of a {@link Pipeline}: it does its work on the context and hands the context on with
 * {@code return next.handle(context)}, or stops the chain by returning {@link Outcome#stop} instead.
 *
 * <p>A pipe may also work after {@code next} returns (that time counts as its own), and may look
 * at the outcome of the rest of the chain. It must call {@code next} on the thread that called it,
 * since the chain is synchronous. A pipe is shared by every event, so it keeps no per-event state
 * in fields; that belongs in the context.
 *
 * <pre>{@code
 * final class SkipDuplicates implements Pipe<EventContext> {
 *     public Outcome handle(EventContext context, Next<EventContext> next) {
 *         if (appliedEvents.contains(context.eventId())) {
 *             return Outcome.stop(DUPLICATE);
 *         }
 *         return next.handle(context);
 *     }
 * }
 * }</pre>
 *
 * @param <C> the context that travels through the chain
 */
@FunctionalInterface
public interface Pipe<C> {

    /**
     * Handles one context. An exception thrown here (or a checked one declared by the work) stops
     * the chain and reaches the caller of {@link Pipeline#send} as a {@link PipeFailedException}
     * naming this pipe.
     *
     * @return the outcome of {@code next.handle(context)}, or {@link Outcome#stop} to stop here
     */
    Outcome handle(C context, Next<C> next) throws Exception;
}
