package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The consumer's benchmark: end-to-end throughput through all the pipes, with real Redis and
 * Postgres, beside its one-record-at-a-time mode, in one command:
 *
 * <ul>
 *   <li><b>drain</b>: the consumer jar, as its own process, in its default mode ({@code PER_POLL}:
 *       the records of one poll are one batch) drains a topic of realistic order events;</li>
 *   <li><b>drain-per-record</b>: the same in {@code PER_RECORD} mode (one Redis call and one
 *       transaction per event), the baseline, with fewer events as it is slower, and a warm-up and
 *       as many orders in progress smaller in proportion;</li>
 *   <li><b>drain-duplicates</b>: {@code PER_POLL} again, where the second half of the events are
 *       the first half once more, as after a relay republishes: what deduplication costs.</li>
 * </ul>
 *
 * Each scenario runs {@code runs} times, the scenarios taking turns, because this machine is noisy
 * and shared. Every run is checked against the read model the generator predicts (see
 * {@link ConsumerDrain}). Postgres, Kafka and Redis (binaries) run as separate processes on this
 * machine. Results go to {@code benchmarks/results/consumer-<time>.md} and {@code consumer-latest.md}.
 *
 * <p>Arguments (all optional): {@code events=200000 per-record-events=20000 duplicate-events=100000
 * warmup=50000 orders=10000 runs=2 instances=1 scenarios=drain,drain-per-record,drain-duplicates
 * jvm=-Xmx512m},
 * and any
 * consumer setting as {@code key=value} with a dot in the key, e.g. {@code consumer.max-poll-records=5000}
 * or {@code spring.datasource.hikari.maximum-pool-size=2}; {@code jvm} holds the consumer's JVM
 * options, separated by spaces; {@code instances} consumer processes share the group's partitions.
 */
public final class ConsumerBenchmark {

    static final String DRAIN = "drain";
    static final String PER_RECORD = "drain-per-record";
    static final String DUPLICATES = "drain-duplicates";

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("events", "200000");
        options.put("per-record-events", "20000");
        options.put("duplicate-events", "100000");
        options.put("warmup", "50000");
        options.put("orders", "10000");
        options.put("runs", "2");
        options.put("instances", "1");
        options.put("scenarios", String.join(",", DRAIN, PER_RECORD, DUPLICATES));
        options.put("jvm", "-Xmx512m");
        Map<String, String> consumerSettings = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv[0].contains(".")) {
                consumerSettings.put(kv[0], kv[1]); // any consumer setting can be tried from the command line
            } else if (options.containsKey(kv[0])) {
                options.put(kv[0], kv[1]);
            } else {
                throw new IllegalArgumentException("unknown argument " + arg + "; arguments: " + options.keySet()
                        + " and consumer settings (key with a dot)");
            }
        }
        int events = Integer.parseInt(options.get("events"));
        int perRecordEvents = Integer.parseInt(options.get("per-record-events"));
        int duplicateEvents = Integer.parseInt(options.get("duplicate-events"));
        int warmUp = Integer.parseInt(options.get("warmup"));
        int orders = Integer.parseInt(options.get("orders"));
        int runs = Integer.parseInt(options.get("runs"));
        List<String> scenarios = List.of(options.get("scenarios").split(","));
        List<String> jvmOptions = List.of(options.get("jvm").trim().split("\\s+"));
        Path root = Path.of(System.getProperty("benchmark.root", ".")).toAbsolutePath().normalize();
        Path jar = ServiceProcess.findJar(root, "event-consumer");

        List<String> report = new ArrayList<>();
        report.add("# Consumer benchmark, " + Instant.now());
        report.add("");
        report.add("Machine: " + Machine.describe());
        report.add("Settings: " + options + (consumerSettings.isEmpty() ? "" : ", consumer " + consumerSettings));
        report.add("");

        try (PostgresServer postgres = TestServers.startDedicatedPostgres();
             KafkaServer kafka = TestServers.startDedicatedKafka();
             RedisServer redis = TestServers.startDedicatedRedis()) {
            report.add("Servers: Postgres " + postgres.source() + " on port " + postgres.port() + ", Kafka " + kafka.source()
                    + " at " + kafka.bootstrapServers() + ", Redis at " + redis.url()
                    + "; the consumer as its own JVM (" + String.join(" ", jvmOptions) + "); every process on this machine.");
            report.add("");

            // The events, produced once (untimed); each run drains them with a group of its own.
            Map<String, EventTopic> topics = new LinkedHashMap<>();
            try (KafkaProducer<byte[], byte[]> producer = Producers.loader(kafka.bootstrapServers())) {
                if (scenarios.contains(DRAIN)) {
                    topics.put(DRAIN, distinctEvents(kafka, producer, DRAIN, warmUp, events, orders));
                }
                if (scenarios.contains(PER_RECORD)) {
                    // As many orders in progress relative to the events, so that the slower mode, with
                    // its smaller warm-up, sees the same mix of event types once warm.
                    double share = (double) perRecordEvents / events;
                    topics.put(PER_RECORD, distinctEvents(kafka, producer, PER_RECORD, (int) (warmUp * share), perRecordEvents,
                            Math.max(100, (int) (orders * share))));
                }
                if (scenarios.contains(DUPLICATES)) {
                    topics.put(DUPLICATES, secondHalfAgain(kafka, producer, warmUp, duplicateEvents, orders));
                }
            }

            ConsumerDrain drain = new ConsumerDrain(postgres, kafka, redis, jar, jvmOptions,
                    Integer.parseInt(options.get("instances")));
            List<ConsumerRun> results = new ArrayList<>();
            for (int round = 1; round <= runs; round++) {
                for (String scenario : scenarios) {
                    Map<String, String> settings = new LinkedHashMap<>();
                    settings.put("consumer.mode", scenario.equals(PER_RECORD) ? "PER_RECORD" : "PER_POLL");
                    settings.putAll(consumerSettings);
                    ConsumerRun run = drain.run(topics.get(scenario), scenario, round, settings);
                    results.add(run);
                    System.out.println(run);
                    System.out.println("  " + run.profile());
                }
            }
            report.addAll(ConsumerReport.lines(topics, results, runs));
        }
        ResultFile.write(root, "consumer", report);
    }

    /** A topic of {@code warmUp} then {@code events} different events of the same stream. */
    private static EventTopic distinctEvents(KafkaServer kafka, KafkaProducer<byte[], byte[]> producer, String scenario,
                                             int warmUp, int events, int orders) {
        String name = topicName(kafka, scenario);
        ReadModelCounts expected = new OrderLifecycles("order-", orders, 1).send(producer, name, 0, warmUp + events);
        return new EventTopic(name, warmUp, warmUp + events, warmUp + events, expected);
    }

    /**
     * A topic of {@code warmUp} events, then {@code events / 2} more, then those same {@code events / 2}
     * again (same ids, positions and payloads): half the measured records are duplicates.
     */
    private static EventTopic secondHalfAgain(KafkaServer kafka, KafkaProducer<byte[], byte[]> producer, int warmUp, int events,
                                              int orders) {
        String name = topicName(kafka, DUPLICATES);
        int half = events / 2;
        OrderLifecycles stream = new OrderLifecycles("order-", orders, 1);
        ReadModelCounts expected = stream.send(producer, name, 0, warmUp + half);
        stream.send(producer, name, warmUp, warmUp + half);
        return new EventTopic(name, warmUp, warmUp + 2L * half, warmUp + half, expected);
    }

    private static String topicName(KafkaServer kafka, String scenario) {
        String name = "orders.events.consumer-bench-" + scenario + "-" + System.currentTimeMillis();
        kafka.createTopic(name, BenchmarkDatabase.PARTITIONS);
        return name;
    }

    private ConsumerBenchmark() {
    }
}
