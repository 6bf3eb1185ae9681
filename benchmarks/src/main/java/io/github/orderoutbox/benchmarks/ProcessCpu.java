package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time used by the processes of a run, grouped: Postgres (postmaster and every backend), the
 * Kafka broker JVM, relay JVMs, and this harness; the machine must run nothing else of note. Read from the operating system (on Linux, {@code /proc}).
 */
final class ProcessCpu {

    private ProcessCpu() {
    }

    /** @param relays pids of the relay processes; every other JVM but this one is taken for the Kafka broker */
    static Map<String, Duration> snapshot(java.util.Set<Long> relays) {
        Map<String, Duration> byGroup = new TreeMap<>();
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses().forEach(process -> {
            var info = process.info();
            String command = info.command().orElse("");
            String group;
            if (process.pid() == self) {
                group = "harness";
            } else if (relays.contains(process.pid())) {
                group = "relay";
            } else if (command.endsWith("/postgres")) {
                group = "postgres";
            } else if (command.endsWith("/java")) {
                group = "kafka";
            } else {
                return;
            }
            byGroup.merge(group, info.totalCpuDuration().orElse(Duration.ZERO), Duration::plus);
        });
        return byGroup;
    }

    /** CPU per group between two snapshots, as "group 1.23 s" pairs. */
    static String between(Map<String, Duration> before, Map<String, Duration> after) {
        StringBuilder out = new StringBuilder();
        after.forEach((group, total) -> out.append(String.format("%s %.2f s, ", group,
                total.minus(before.getOrDefault(group, Duration.ZERO)).toNanos() / 1e9)));
        return out.length() == 0 ? "" : out.substring(0, out.length() - 2);
    }
}
