package io.github.orderoutbox.consumer.pipeline;

/**
 * One link of an untimed chain: runs its pipe with the link after it as {@code next}, and names
 * the pipe in a stop or a failure that starts here. Built once per pipe by {@link Pipeline}.
 */
final class PipeNode<C> implements Next<C> {

    private final String name;
    private final Pipe<C> pipe;
    private final Next<C> next;

    PipeNode(String name, Pipe<C> pipe, Next<C> next) {
        this.name = name;
        this.pipe = pipe;
        this.next = next;
    }

    @Override
    public Outcome handle(C context) {
        Outcome outcome;
        try {
            outcome = pipe.handle(context, next);
        } catch (PipeFailedException failure) {
            // Thrown further down and already names its pipe: wrapping it again would bury the cause.
            throw failure;
        } catch (Exception failure) {
            throw failed(name, failure);
        }
        return attributed(name, outcome);
    }

    /** The exception for a pipe that threw; an interrupted pipe leaves the thread interrupted. */
    static PipeFailedException failed(String name, Exception failure) {
        if (failure instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new PipeFailedException(name, failure);
    }

    /** The pipe's outcome, with the pipe's name on a stop it has just made. */
    static Outcome attributed(String name, Outcome outcome) {
        if (outcome instanceof Outcome.Stopped stopped && stopped.unattributed()) {
            return stopped.by(name);
        }
        if (outcome == null) {
            throw new PipeFailedException(name, new NullPointerException(
                    "the pipe returned no outcome; return next.handle(context) or Outcome.stop(reason)"));
        }
        return outcome;
    }
}
