package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU of Postgres backends that have exited, which {@link ProcessCpu} cannot see: a
 * connection opened for one statement (the backlog's INSERT, a relay's reconnect) takes its
 * backend's CPU with it when it closes. Linux adds a reaped child's time to its parent's
 * {@code cutime} and {@code cstime} in {@code /proc/<pid>/stat}, so the postmaster's figures hold
 * every exited backend. Added to the live processes' figures, the Postgres group's CPU only grows,
 * and a drain's figure includes every backend that worked for it.
 */
final class ExitedBackendsCpu {

    /** Clock ticks per second of {@code /proc/<pid>/stat}: 100 on every Linux this runs on (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ExitedBackendsCpu() {
    }

    /** {@link ProcessCpu#snapshot(Map)} with the exited backends' CPU added to group {@code postgres}. */
    static Map<String, Duration> snapshot(Map<Long, String> services) {
        Map<String, Duration> byGroup = new TreeMap<>(ProcessCpu.snapshot(services));
        byGroup.merge("postgres", ofPostmasters(), Duration::plus);
        return byGroup;
    }

    /** {@code cutime + cstime} of each postmaster started by this JVM (a postgres process whose parent is not one). */
    private static Duration ofPostmasters() {
        return ProcessHandle.current().descendants()
                .filter(ExitedBackendsCpu::isPostgres)
                .filter(process -> process.parent().map(parent -> !isPostgres(parent)).orElse(true))
                .map(process -> reapedChildren(process.pid()))
                .reduce(Duration.ZERO, Duration::plus);
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().orElse("").endsWith("/postgres");
    }

    private static Duration reapedChildren(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command (which may hold spaces) in parentheses: state is field 3,
            // cutime and cstime are fields 16 and 17.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
            return Duration.ofMillis(Math.round(ticks * 1000 / TICKS_PER_SECOND));
        } catch (IOException | RuntimeException notLinuxOrGone) {
            return Duration.ZERO;
        }
    }
}
