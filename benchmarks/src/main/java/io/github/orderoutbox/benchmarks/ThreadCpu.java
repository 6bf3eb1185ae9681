package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU of one JVM by kind of thread (its delivery loop, the JIT compilers, the garbage collector,
 * the Redis client's I/O threads), read from {@code /proc/<pid>/task/*}: whether a service is slow
 * because of its own work or because the JVM is still compiling it. Linux only; elsewhere empty.
 */
final class ThreadCpu {

    /** Thread names ({@code comm}, cut to 15 characters by Linux) by the kind they are counted in. */
    private static final Map<String, String> KINDS = Map.of(
            "event-consumer-", "loop",
            "C2 CompilerThre", "JIT",
            "C1 CompilerThre", "JIT",
            "GC Thread#", "GC",
            "G1 ", "GC",
            "lettuce-", "Redis I/O");

    private ThreadCpu() {
    }

    /** CPU clock ticks (1/100 s on Linux) used so far by each kind of thread of the process. */
    static Map<String, Long> snapshot(long pid) {
        Map<String, Long> ticks = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    // After the name: state is field 3; utime and stime are fields 14 and 15.
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    ticks.merge(kindOf(name), used, Long::sum);
                } catch (IOException | RuntimeException threadEnded) {
                    // a thread that ended meanwhile is not counted
                }
            });
        } catch (IOException | RuntimeException notLinux) {
            return Map.of();
        }
        return ticks;
    }

    /** Each kind's share of the CPU used between two snapshots, e.g. "loop 52 %, JIT 20 %, ...". */
    static String shares(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> used = new TreeMap<>();
        after.forEach((kind, ticks) -> used.put(kind, ticks - before.getOrDefault(kind, 0L)));
        long total = used.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return "n/a";
        }
        StringBuilder out = new StringBuilder();
        used.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(String.format("%s %.0f %%, ", e.getKey(), 100.0 * e.getValue() / total)));
        return out.substring(0, out.length() - 2);
    }

    private static String kindOf(String threadName) {
        return KINDS.entrySet().stream().filter(kind -> threadName.startsWith(kind.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse("other");
    }
}
