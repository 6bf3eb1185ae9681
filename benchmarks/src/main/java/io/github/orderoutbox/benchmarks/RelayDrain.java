package io.github.orderoutbox.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drain: the relays start on an empty outbox and settle their leases; then the whole backlog is
 * committed in one transaction, and the clock runs from that commit until the relays' own counters
 * report the last event acknowledged and marked. Relay start-up is not counted; picking the
 * backlog up from an idle poll is.
 */
final class RelayDrain {

    private RelayDrain() {
    }

    static DrainResult run(BenchmarkDatabase db, Path jar, Map<String, String> settings, int instances, int rows, int orders)
            throws Exception {
        return run(db, jar, settings, instances, rows, orders, 0);
    }

    /** The same, with {@code history} published rows kept in the table before the relays start. */
    static DrainResult run(BenchmarkDatabase db, Path jar, Map<String, String> settings, int instances, int rows, int orders,
                           int history) throws Exception {
        if (history > 0) {
            db.insertPublishedHistory(history, orders);
        }
        List<RelayProcess> relays = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                relays.add(RelayProcess.start(jar, db, settings, Path.of("benchmarks", "results", "logs", "drain-" + i + ".log")));
            }
            for (RelayProcess relay : relays) {
                relay.awaitReady(Duration.ofSeconds(120));
            }
            awaitBalanced(db, instances);
            // Warm-up: one backlog of the same size drained first, so the measured drain runs on compiled
            // code, as a relay that has been up for a while does. Start-up costs are not what is compared.
            int warmUp = rows;
            db.insertBacklog(warmUp, orders);
            awaitPublished(relays, warmUp);
            db.jdbc.update("DELETE FROM outbox");
            Duration cpuBefore = totalCpu(relays);
            db.insertBacklog(rows, orders);
            var pids = relays.stream().map(RelayProcess::pid).collect(java.util.stream.Collectors.toSet());
            var cpuAtStart = ProcessCpu.snapshot(pids);
            long start = System.nanoTime();
            awaitPublished(relays, warmUp + rows);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            System.out.println("cpu during drain: " + ProcessCpu.between(cpuAtStart, ProcessCpu.snapshot(pids)));
            for (RelayProcess relay : relays) {
                System.out.println("relay phases: " + relay.phases());
            }
            return new DrainResult("relay drain x" + instances, rows, elapsed, totalCpu(relays).minus(cpuBefore));
        } finally {
            for (RelayProcess relay : relays) {
                relay.close();
            }
        }
    }

    private static void awaitPublished(List<RelayProcess> relays, long count) throws Exception {
        double published = 0;
        while (published < count) {
            Thread.sleep(20);
            published = 0;
            for (RelayProcess relay : relays) {
                published += relay.published();
            }
        }
    }

    /** Waits until all 256 buckets are held, shared between the instances. */
    static void awaitBalanced(BenchmarkDatabase db, int instances) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> held = db.jdbc.queryForList(
                    "SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL AND expires_at > now() GROUP BY owner", Long.class);
            if (held.size() == instances && held.stream().mapToLong(Long::longValue).sum() == 256) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("relays did not share the buckets within 60 s");
    }

    private static Duration totalCpu(List<RelayProcess> relays) {
        return relays.stream().map(RelayProcess::cpu).reduce(Duration.ZERO, Duration::plus);
    }
}
