package io.github.orderoutbox.benchmarks;

import java.time.Duration;

/** How fast one run moved a fixed number of events; {@code cpu} is the CPU time of the relay processes, or null. */
record DrainResult(String name, long events, Duration elapsed, Duration cpu) {

    double eventsPerSecond() {
        return events / (elapsed.toNanos() / 1e9);
    }

    String row(String label) {
        String cpuPerThousand = cpu == null ? "n/a" : String.format("%.1f ms", cpu.toNanos() / 1e6 / (events / 1000.0));
        return String.format("| %s | %,.0f | %.2f | %s |", label, eventsPerSecond(), elapsed.toNanos() / 1e9, cpuPerThousand);
    }

    @Override
    public String toString() {
        return String.format("%s: %d events in %.2f s = %,.0f events/s", name, events, elapsed.toNanos() / 1e9, eventsPerSecond());
    }
}
