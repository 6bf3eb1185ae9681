package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One row of the side-by-side table: one scenario, one peer.
 *
 * @param events          events the peer moved (drains) or the writers committed (steady load)
 * @param eventsPerSecond drain rate, or the rate the writers achieved
 * @param latencyMicros   commit-to-consume latencies (steady load), or null
 * @param peerGroup       the {@link ProcessCpu} group the peer's CPU is counted in ({@code relay},
 *                        {@code debezium}, {@code consumer}, or {@code harness} for the pollers that run in
 *                        it); null for floors
 * @param cpu             CPU per process group over the measured interval, or empty; a {@code consumer}
 *                        group beside another peer (end to end) has a column of its own
 */
record SideBySideRow(String scenario, String peer, long events, double eventsPerSecond, Histogram latencyMicros,
                     String peerGroup, Map<String, Duration> cpu) {

    static final String HEADER = "| scenario | peer | events | events/s | % of Kafka floor | p50 ms | p95 ms | p99 ms | p99.9 ms "
            + "| max ms | CPU ms/1k: peer | consumer | postgres | kafka | redis |";
    static final String SEPARATOR = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    static SideBySideRow drain(String scenario, String peer, DrainResult drain, String peerGroup, Map<String, Duration> cpu) {
        return new SideBySideRow(scenario, peer, drain.events(), drain.eventsPerSecond(), null, peerGroup, cpu);
    }

    /** CPU milliseconds of a group per 1,000 events, or NaN when not measured. */
    double cpuPerThousand(String group) {
        if (group == null || !cpu.containsKey(group)) {
            return Double.NaN;
        }
        return cpu.get(group).toNanos() / 1e6 / (events / 1000.0);
    }

    double peerCpuPerThousand() {
        return cpuPerThousand(peerGroup);
    }

    double percentileMillis(double percentile) {
        return latencyMicros == null ? Double.NaN : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    String row(double kafkaFloor) {
        return String.format("| %s | %s | %,d | %,.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", scenario, peer,
                events, eventsPerSecond, Double.isNaN(kafkaFloor) ? "" : String.format("%.0f %%", 100 * eventsPerSecond / kafkaFloor),
                millis(percentileMillis(50)), millis(percentileMillis(95)), millis(percentileMillis(99)),
                millis(percentileMillis(99.9)), millis(latencyMicros == null ? Double.NaN : latencyMicros.getMaxValue() / 1000.0),
                millis(peerCpuPerThousand()), millis("consumer".equals(peerGroup) ? Double.NaN : cpuPerThousand("consumer")),
                millis(cpuPerThousand("postgres")), millis(cpuPerThousand("kafka")), millis(cpuPerThousand("redis")));
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "" : String.format("%.1f", value);
    }

    @Override
    public String toString() {
        return row(Double.NaN) + " cpu=" + cpu;
    }
}
