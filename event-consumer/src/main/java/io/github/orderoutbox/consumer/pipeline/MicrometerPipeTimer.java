package io.github.orderoutbox.consumer.pipeline;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Records pipe times in Micrometer: one {@value #METRIC} timer per pipe, tagged
 * {@code pipe=<name>} (the pipe's simple class name), so each pipe's count, total and maximum
 * appear beside each other. Percentiles and histograms are left to the registry's configuration.
 */
public final class MicrometerPipeTimer implements PipeTimer {

    /** The name of the timer. */
    public static final String METRIC = "consumer.pipe";

    private final MeterRegistry registry;

    // Pipe names are few and fixed, so a timer is registered once per pipe and then found by a
    // lock-free get, not by building a meter id on every event.
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    public MicrometerPipeTimer(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void record(String pipe, long nanos) {
        Timer timer = timers.get(pipe);
        if (timer == null) {
            timer = timers.computeIfAbsent(pipe, this::register);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer register(String pipe) {
        return Timer.builder(METRIC)
                .description("Time one pipe of the consumer spends on one event, not counting the pipes after it")
                .tag("pipe", pipe)
                .register(registry);
    }
}
