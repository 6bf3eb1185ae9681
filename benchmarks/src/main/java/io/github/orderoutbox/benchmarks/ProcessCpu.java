package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * CPU time used by the processes of a run, grouped: Postgres (postmaster and every backend),
 * Redis, the Kafka broker JVM, the services measured (relay or consumer JVMs), and this harness.
 * Read from the operating system (on Linux, {@code /proc}).
 *
 * <p>Only this harness and the processes it started count: other builds and test servers on the
 * machine (another engineer's Postgres, Maven JVMs) would otherwise be taken for ours. Servers not
 * started by this JVM (given by environment variables, or in Docker) therefore have no figure.
 * A process that ends between two snapshots (a short-lived backend) loses its CPU from the figure.
 */
final class ProcessCpu {

    private ProcessCpu() {
    }

    /** @param relays pids of the relay processes, counted as group {@code relay} */
    static Map<String, Duration> snapshot(Set<Long> relays) {
        return snapshot(relays.stream().collect(Collectors.toMap(Function.identity(), pid -> "relay")));
    }

    /**
     * @param services pids of the services measured and the group each is counted in; every other
     *                 JVM started by this one is taken for the Kafka broker
     */
    static Map<String, Duration> snapshot(Map<Long, String> services) {
        Map<String, Duration> byGroup = new TreeMap<>();
        ProcessHandle self = ProcessHandle.current();
        Stream.concat(Stream.of(self), self.descendants()).forEach(process -> {
            var info = process.info();
            String command = info.command().orElse("");
            String group;
            if (process.pid() == self.pid()) {
                group = "harness";
            } else if (services.containsKey(process.pid())) {
                group = services.get(process.pid());
            } else if (command.endsWith("/postgres")) {
                group = "postgres";
            } else if (command.contains("redis-server")) {
                group = "redis";
            } else if (command.endsWith("/java")) {
                group = "kafka";
            } else {
                return;
            }
            byGroup.merge(group, info.totalCpuDuration().orElse(Duration.ZERO), Duration::plus);
        });
        return byGroup;
    }

    /** CPU per group used between two snapshots; groups missing from {@code before} started in between. */
    static Map<String, Duration> used(Map<String, Duration> before, Map<String, Duration> after) {
        Map<String, Duration> used = new TreeMap<>();
        after.forEach((group, total) -> used.put(group, total.minus(before.getOrDefault(group, Duration.ZERO))));
        return used;
    }

    /** CPU per group between two snapshots, as "group 1.23 s" pairs. */
    static String between(Map<String, Duration> before, Map<String, Duration> after) {
        StringBuilder out = new StringBuilder();
        used(before, after).forEach((group, cpu) -> out.append(String.format("%s %.2f s, ", group, cpu.toNanos() / 1e9)));
        return out.length() == 0 ? "" : out.substring(0, out.length() - 2);
    }
}
