package io.github.orderoutbox.consumer.pipeline;

/** The end of every chain, after the destination: reaching it is what completes an outcome. */
final class ChainEnd<C> implements Next<C> {

    @Override
    public Outcome handle(C context) {
        return Outcome.Completed.INSTANCE;
    }
}
