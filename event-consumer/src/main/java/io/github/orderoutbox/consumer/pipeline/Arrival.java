package io.github.orderoutbox.consumer.pipeline;

/**
 * The destination as the last pipe of the chain, so it is timed and named in failures like any
 * pipe: it delivers the context, then lets the chain end.
 */
final class Arrival<C> implements Pipe<C> {

    private final Destination<? super C> destination;

    Arrival(Destination<? super C> destination) {
        this.destination = destination;
    }

    @Override
    public Outcome handle(C context, Next<C> next) throws Exception {
        destination.accept(context);
        return next.handle(context);
    }
}
