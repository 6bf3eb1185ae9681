package io.github.orderoutbox.consumer.pipeline;

/**
 * One link of a timed chain: like {@link PipeNode}, and it reports to the {@link PipeTimer} the
 * time its pipe spent on the event <em>excluding</em> the pipes after it.
 *
 * <p>Each link measures its inclusive time (pipe plus everything it called through {@code next})
 * and subtracts what the links below it measured. The links of one thread share a one-slot
 * counter: on entry a link saves the counter and sets it to zero; the links below add their
 * inclusive time to it; on exit the link reads it (the time spent below), then puts back the saved
 * value plus its own inclusive time for the link above. For example, A sleeps 5 ms and calls B,
 * which sleeps 20 ms: B measures 20 and leaves 20 in the counter; A measures 25, reads 20, records
 * 5 ms. A pipe that calls {@code next} twice has both runs subtracted; time before and after
 * {@code next} counts as its own. That costs two clock reads and one thread-local lookup per pipe,
 * no allocation. A pipe that hands {@code next} to another thread breaks the count; the chain is
 * synchronous.
 */
final class TimedPipeNode<C> implements Next<C> {

    private final String name;
    private final Pipe<C> pipe;
    private final Next<C> next;
    private final PipeTimer timer;
    private final ThreadLocal<long[]> timeBelow;

    TimedPipeNode(String name, Pipe<C> pipe, Next<C> next, PipeTimer timer, ThreadLocal<long[]> timeBelow) {
        this.name = name;
        this.pipe = pipe;
        this.next = next;
        this.timer = timer;
        this.timeBelow = timeBelow;
    }

    @Override
    public Outcome handle(C context) {
        long[] below = timeBelow.get();
        long aboveSoFar = below[0];
        below[0] = 0;
        long start = System.nanoTime();
        try {
            return PipeNode.attributed(name, pipe.handle(context, next));
        } catch (PipeFailedException failure) {
            throw failure;
        } catch (Exception failure) {
            throw PipeNode.failed(name, failure);
        } finally {
            long inclusive = System.nanoTime() - start;
            timer.record(name, inclusive - below[0]);
            below[0] = aboveSoFar + inclusive;
        }
    }
}
