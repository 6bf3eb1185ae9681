package io.github.orderoutbox.benchmarks;

import org.HdrHistogram.Histogram;

/** Latency percentiles of one run, in milliseconds, from a histogram recorded in microseconds. */
record LatencyResult(String name, long events, double achievedRate, Histogram micros) {

    static final String HEADER = "| run | events | rate/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms |";
    static final String SEPARATOR = "|---|---:|---:|---:|---:|---:|---:|---:|";

    double percentileMillis(double percentile) {
        return micros.getValueAtPercentile(percentile) / 1000.0;
    }

    String row(String label) {
        return String.format("| %s | %,d | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f |", label, events, achievedRate,
                percentileMillis(50), percentileMillis(95), percentileMillis(99), percentileMillis(99.9), micros.getMaxValue() / 1000.0);
    }

    @Override
    public String toString() {
        return String.format("%s: %d events at %.0f/s, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms", name, events,
                achievedRate, percentileMillis(50), percentileMillis(99), percentileMillis(99.9), micros.getMaxValue() / 1000.0);
    }
}
