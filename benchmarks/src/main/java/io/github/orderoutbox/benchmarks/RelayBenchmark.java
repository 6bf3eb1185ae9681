package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's benchmark, one command, one run, every figure beside its baseline:
 *
 * <ul>
 *   <li><b>floor</b>: the Kafka producer alone sending the same records (idempotent, acks=all);</li>
 *   <li><b>bare poller</b>: a batch poller without any of the relay's guarantees (no leases, no
 *       per-order failure handling, no fencing), the same batch size;</li>
 *   <li><b>relay drain</b>: the relay jar, as its own process, draining a backlog of realistic order events;</li>
 *   <li><b>relay latency</b>: writer commit to a Kafka consumer seeing the event, at a steady rate, in an HdrHistogram.</li>
 * </ul>
 *
 * Postgres (embedded binaries) and Kafka (KRaft broker JVM) run as separate processes on this machine.
 * Results go to {@code benchmarks/results/relay-<time>.md} and {@code relay-latest.md}.
 *
 * <p>Arguments (all optional): {@code rows=200000 orders=10000 rate=1000 seconds=30 warmup=5
 * instances=1 batch=5000 workers=2 history=1000000 scenarios=floor,bare,drain,drain-keep,drain-history,latency},
 * and any
 * {@code relay.<setting>=<value>} for the relay.
 */
public final class RelayBenchmark {

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "rows", "200000", "orders", "10000", "rate", "1000", "seconds", "30", "warmup", "5",
                "instances", "1", "batch", "5000", "workers", "2"));
        options.put("scenarios", "floor,bare,drain,drain-keep,drain-history,latency");
        options.put("history", "1000000");
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            options.put(kv[0], kv[1]);
        }
        int rows = Integer.parseInt(options.get("rows"));
        int orders = Integer.parseInt(options.get("orders"));
        int rate = Integer.parseInt(options.get("rate"));
        int seconds = Integer.parseInt(options.get("seconds"));
        int warmup = Integer.parseInt(options.get("warmup"));
        int instances = Integer.parseInt(options.get("instances"));
        List<String> scenarios = List.of(options.get("scenarios").split(","));
        Path root = Path.of(System.getProperty("benchmark.root", ".")).toAbsolutePath().normalize();
        Path relayJar = RelayProcess.findJar(root);

        List<String> report = new ArrayList<>();
        report.add("# Relay benchmark, " + Instant.now());
        report.add("");
        report.add("Machine: " + Machine.describe());
        report.add("Settings: " + options);
        report.add("");

        try (PostgresServer postgres = TestServers.startDedicatedPostgres();
             KafkaServer kafka = TestServers.startDedicatedKafka()) {
            report.add("Servers: Postgres " + postgres.source() + " on port " + postgres.port() + ", Kafka " + kafka.source()
                    + " at " + kafka.bootstrapServers() + "; every process on this machine.");
            report.add("");
            Map<String, String> relaySettings = new LinkedHashMap<>(Map.of(
                    "relay.batch-size", options.get("batch"),
                    "relay.workers", options.get("workers")));
            options.forEach((key, value) -> {
                if (key.startsWith("relay.")) {
                    relaySettings.put(key, value); // any relay setting can be tried from the command line
                }
            });

            report.add("## Drain of a " + rows + "-row backlog (" + orders + " orders, about 400-byte events)");
            report.add("");
            report.add("| run | events/s | seconds | relay CPU s per 1,000 events |");
            report.add("|---|---:|---:|---:|");

            DrainResult floor = null;
            if (scenarios.contains("floor")) {
                floor = ProducerFloor.run(kafka, rows, orders);
                report.add(floor.row("Kafka producer alone (floor)"));
                System.out.println(floor);
            }

            DrainResult bare = null;
            if (scenarios.contains("bare")) {
                try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "bare")) {
                    db.insertBacklog(rows, orders);
                    bare = BarePoller.drain(db, Integer.parseInt(options.get("batch")));
                    report.add(bare.row("bare batch poller, no guarantees (baseline)"));
                    System.out.println(bare);
                }
            }

            List<String> summaries = new ArrayList<>();
            if (scenarios.contains("drain")) {
                summaries.add(relayDrain(report, postgres, kafka, relayJar, relaySettings, "drain",
                        "outbox-relay, " + instances + " instance(s), defaults (rows deleted as published)", instances, rows,
                        orders, floor, bare));
            }
            if (scenarios.contains("drain-keep")) {
                // The same drain keeping published rows for an hour: each row is marked (a new row
                // version and new index entries) instead of deleted.
                Map<String, String> keeping = new LinkedHashMap<>(relaySettings);
                keeping.put("relay.retention", "1h");
                summaries.add(relayDrain(report, postgres, kafka, relayJar, keeping, "drain_keep",
                        "outbox-relay, relay.retention=1h (rows marked published)", instances, rows, orders, floor, bare));
            }
            int history = Integer.parseInt(options.get("history"));
            if (scenarios.contains("drain-history") && history > 0) {
                // The keeping drain again, with published rows already retained: the claim walks a
                // partial index of unpublished rows, so history must not slow it down.
                Map<String, String> keeping = new LinkedHashMap<>(relaySettings);
                keeping.put("relay.retention", "1h");
                try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "drain_history")) {
                    DrainResult relay = RelayDrain.run(db, relayJar, keeping, instances, rows, orders, history);
                    report.add(relay.row(String.format("outbox-relay, relay.retention=1h, %,d published rows retained", history)));
                    System.out.println(relay);
                }
            }
            report.add("");
            summaries.stream().filter(line -> !line.isEmpty()).forEach(line -> {
                report.add(line);
                report.add("");
            });

            if (scenarios.contains("latency")) try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "latency")) {
                LatencyResult latency = SteadyLatency.run(db, relayJar, relaySettings, rate, Duration.ofSeconds(warmup),
                        Duration.ofSeconds(seconds));
                report.add("## Commit-to-consume latency at " + rate + " events/s for " + seconds + " s (after " + warmup + " s warm-up)");
                report.add("");
                report.add(LatencyResult.HEADER);
                report.add(LatencyResult.SEPARATOR);
                report.add(latency.row("outbox-relay"));
                System.out.println(latency);
            }
        }
        ResultFile.write(root, "relay", report);
    }

    /** Runs one relay drain, adds its table row, and returns its comparison line (empty without baselines). */
    private static String relayDrain(List<String> report, PostgresServer postgres, KafkaServer kafka, Path relayJar,
                                     Map<String, String> settings, String name, String label, int instances, int rows,
                                     int orders, DrainResult floor, DrainResult bare) throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, name)) {
            DrainResult relay = RelayDrain.run(db, relayJar, settings, instances, rows, orders);
            report.add(relay.row(label));
            System.out.println(relay);
            if (floor == null || bare == null) {
                return "";
            }
            return String.format("%s: %.0f events/s = %.0f %% of the producer floor, %.2fx the bare poller.", label,
                    relay.eventsPerSecond(), 100 * relay.eventsPerSecond() / floor.eventsPerSecond(),
                    relay.eventsPerSecond() / bare.eventsPerSecond());
        }
    }

    private RelayBenchmark() {
    }
}
