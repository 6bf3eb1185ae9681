package io.github.orderoutbox.consumer.pipeline;

/**
 * Receives the time each pipe took for one event: its own work only, without the pipes after it
 * (each link subtracts what the links below it measured). Called on the thread that runs the
 * chain, once per pipe that ran, also when the pipe stopped the chain or threw; it must be fast
 * and must not throw.
 */
@FunctionalInterface
public interface PipeTimer {

    /** Records that the named pipe spent {@code nanos} nanoseconds on one event. */
    void record(String pipe, long nanos);

    /**
     * A timer that records nothing. A pipeline built with it does not read the clock at all, so
     * an untimed chain costs only its calls.
     */
    static PipeTimer none() {
        return NoPipeTimer.INSTANCE;
    }
}
