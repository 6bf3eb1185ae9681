package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * One drain by the consumer jar, as its own process, of a topic that already holds the events:
 * a fresh database (both migration sets and the catalogue), and a consumer group, Redis key prefix
 * and dead-letter topic of its own.
 *
 * <p>The consumer starts (or several, in one group), applies the warm-up records (JIT, connection pools, the catalogue cache)
 * and goes on into the measured ones without a pause. The group's committed offsets are read every
 * 100 ms; the clock runs from the first reading at or past the warm-up to the first reading at the
 * end of the topic, and counts the records committed in between. Committed offsets are the
 * consumer's own promise that the records' effects are durable, so nothing is counted early.
 *
 * <p>Afterwards the consumer is stopped and the run is checked: the read model must hold exactly
 * what the generator predicts and the dead-letter topic must be empty, or the run throws. A run
 * that wrote fewer Redis keys than distinct events is noted: some Redis calls failed.
 */
final class ConsumerDrain {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STALL = Duration.ofSeconds(120);
    private static final String METRICS = "?includedNames=consumer_pipe_seconds,consumer_batch_seconds,consumer_batch_size,"
            + "consumer_events_duplicates,consumer_redis_failures";
    private static final Pattern SERIES = Pattern.compile("(?m)^(consumer_[a-z_]+)(\\{[^}]*})? ([0-9.eE+-]+)$");
    private static final Pattern PIPE = Pattern.compile("pipe=\"([^\"]+)\"");

    private final PostgresServer postgres;
    private final KafkaServer kafka;
    private final RedisServer redis;
    private final Path jar;
    private final List<String> jvmOptions;
    private final int instances;

    /** @param instances consumer processes in the group, each with its share of the partitions */
    ConsumerDrain(PostgresServer postgres, KafkaServer kafka, RedisServer redis, Path jar, List<String> jvmOptions, int instances) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.redis = redis;
        this.jar = jar;
        this.jvmOptions = jvmOptions;
        this.instances = instances;
    }

    /**
     * @param settings {@code consumer.*} and other settings of the consumer, e.g. {@code consumer.mode=PER_RECORD}
     */
    ConsumerRun run(EventTopic topic, String scenario, int round, Map<String, String> settings) throws Exception {
        String name = scenario.replace('-', '_') + "_" + round;
        try (BenchmarkDatabase db = BenchmarkDatabase.onTopic(postgres, kafka, name, topic.name())) {
            return run(db, topic, scenario, round, name, settings);
        }
    }

    private ConsumerRun run(BenchmarkDatabase db, EventTopic topic, String scenario, int round, String name,
                            Map<String, String> settings) throws Exception {
        String unique = name + "-" + System.currentTimeMillis();
        db.insertCatalog(OrderLifecycles.PRODUCTS);
        long redisKeysBefore = redisKeys(redis);
        Map<String, String> all = settings(db, redis, unique);
        String group = all.get("consumer.group-id");
        String deadLetterTopic = all.get("consumer.dead-letter-topic");
        all.putAll(settings);

        Path log = Path.of("benchmarks", "results", "logs", "consumer-" + scenario + "-" + round + ".log");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            long launched = System.nanoTime();
            ConsumerRun run;
            List<ServiceProcess> consumers = new ArrayList<>();
            try (PostgresActivity sessions = new PostgresActivity(db.dataSource)) {
                for (int i = 0; i < instances; i++) {
                    consumers.add(ServiceProcess.start(jar, jvmOptions, all,
                            i == 0 ? log : log.resolveSibling(log.getFileName().toString().replace(".log", "-" + i + ".log"))));
                }
                Map<Long, String> pids = consumers.stream().collect(Collectors.toMap(ServiceProcess::pid, c -> "consumer"));
                long start = 0;
                long committedAtStart = 0;
                Map<String, Duration> cpuAtStart = null;
                Map<String, Double> metricsAtStart = Map.of();
                String loadAtStart = "";
                Map<String, Long> threadsAtStart = Map.of();
                long committed = -1;
                long lastProgress = System.nanoTime();
                while (true) {
                    Thread.sleep(POLL.toMillis());
                    for (ServiceProcess consumer : consumers) {
                        consumer.requireAlive("consumer (log: " + log + ")");
                    }
                    long now = committed(admin, group);
                    long at = System.nanoTime();
                    if (now != committed) {
                        committed = now;
                        lastProgress = at;
                    } else if (at - lastProgress > STALL.toNanos()) {
                        throw new IllegalStateException(scenario + ": no progress for " + STALL + " at " + committed
                                + " of " + topic.records() + " records; see " + log);
                    }
                    if (cpuAtStart == null && committed >= topic.warmUp()) {
                        start = at;
                        committedAtStart = committed;
                        cpuAtStart = ProcessCpu.snapshot(pids);
                        metricsAtStart = metrics(consumers);
                        loadAtStart = Machine.loadAverage();
                        threadsAtStart = threads(consumers);
                    }
                    if (cpuAtStart != null && committed >= topic.records()) {
                        break;
                    }
                    if (cpuAtStart != null) {
                        sessions.sample();
                    }
                }
                long end = System.nanoTime();
                if (committed == committedAtStart) {
                    throw new IllegalStateException(scenario + ": the warm-up and every measured event were committed at once ("
                            + committed + " records); the consumer commits once per poll of up to consumer.max-poll-records,"
                            + " so measure more events than a poll holds");
                }
                Map<String, Duration> cpu = ProcessCpu.used(cpuAtStart, ProcessCpu.snapshot(pids));
                Duration elapsed = Duration.ofNanos(end - start);
                String profile = profile(metricsAtStart, metrics(consumers), elapsed)
                        + "; the consumer's CPU by thread: " + ThreadCpu.shares(threadsAtStart, threads(consumers))
                        + "; its Postgres sessions, on average: " + sessions.summary();
                run = new ConsumerRun(scenario, round, committed - committedAtStart, elapsed, cpu,
                        Duration.ofNanos(end - launched), committed, profile, loadAtStart + " → " + Machine.loadAverage(), "");
            } finally {
                for (ServiceProcess consumer : consumers) {
                    consumer.close();
                }
            }
            String note = verify(scenario, db, topic, admin, deadLetterTopic, redisKeys(redis) - redisKeysBefore);
            return note.isEmpty() ? run : run.noting(note);
        }
    }

    /**
     * The consumer's settings for one run on {@code db}'s topic: its database, Kafka and Redis,
     * and a consumer group, dead-letter topic and Redis key prefix of its own, named after
     * {@code unique}.
     */
    static Map<String, String> settings(BenchmarkDatabase db, RedisServer redis, String unique) {
        Map<String, String> all = db.serviceSettings();
        all.put("spring.data.redis.url", redis.url());
        all.put("consumer.topic", db.topic);
        all.put("consumer.dead-letter-topic", db.topic + ".dlq-" + unique);
        all.put("consumer.group-id", "bench-" + unique);
        all.put("consumer.redis-key-prefix", "bench-" + unique + ":applied:");
        return all;
    }

    /** The sum of the group's committed offsets: records consumed and durably applied. */
    private static long committed(Admin admin, String group) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
    }

    /**
     * Throws unless the read model is as predicted and no event was dead-lettered. Redis keys
     * missing are not a fault: when a Redis call fails (a timeout on a starved machine), the
     * consumer leaves Redis alone for a pause and deduplicates from Postgres alone, as designed.
     * Such a run measured that slower path in part, which the returned note says.
     */
    static String verify(String scenario, BenchmarkDatabase db, EventTopic topic, Admin admin, String deadLetterTopic,
                                 long redisKeysWritten) throws InterruptedException, ExecutionException {
        ReadModelCounts found = ReadModelCounts.read(db.jdbc);
        long deadLetters = records(admin, deadLetterTopic);
        List<String> problems = new java.util.ArrayList<>();
        if (!found.equals(topic.expected())) {
            problems.add("read model " + found + " but expected " + topic.expected());
        }
        if (deadLetters != 0) {
            problems.add(deadLetters + " dead letters in " + deadLetterTopic);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(scenario + " is wrong: " + String.join("; ", problems));
        }
        System.out.printf("%s checked: %,d events applied once each, %,d orders %s, no dead letters, %,d Redis keys%n",
                scenario, found.appliedEvents(), found.orders(), found.statuses(), redisKeysWritten);
        return redisKeysWritten == topic.distinct() ? "" : String.format(
                "only %,d Redis keys for %,d events: Redis calls failed, and Postgres alone deduplicated for a while",
                redisKeysWritten, topic.distinct());
    }

    /** Records in a topic (all of them: nothing is deleted during a run), 0 if it does not exist. */
    private static long records(Admin admin, String topic) throws InterruptedException, ExecutionException {
        List<TopicPartition> partitions;
        try {
            partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    static long redisKeys(RedisServer redis) {
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().dbsize();
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** The consumers' timers and counters by series, summed; a consumer whose web server is not up yet adds nothing. */
    static Map<String, Double> metrics(List<ServiceProcess> consumers) throws InterruptedException {
        Map<String, Double> series = new TreeMap<>();
        for (ServiceProcess consumer : consumers) {
            try {
                Matcher m = SERIES.matcher(consumer.prometheus(METRICS));
                while (m.find()) {
                    Matcher pipe = PIPE.matcher(m.group(2) == null ? "" : m.group(2));
                    series.merge(m.group(1) + (pipe.find() ? ":" + pipe.group(1) : ""), Double.parseDouble(m.group(3)), Double::sum);
                }
            } catch (IOException notListeningYet) {
                // the difference then covers the time since start
            }
        }
        return series;
    }

    private static Map<String, Long> threads(List<ServiceProcess> consumers) {
        Map<String, Long> ticks = new TreeMap<>();
        consumers.forEach(consumer -> ThreadCpu.snapshot(consumer.pid()).forEach((kind, used) -> ticks.merge(kind, used, Long::sum)));
        return ticks;
    }

    /**
     * Where the consumer's time went while the clock ran, e.g. "100 polls of 1,980 records, 335 ms each to
     * apply, 91 % of the time; per event: ValidateEventSchema 31 µs, ...". A poll is one batch in
     * {@code PER_POLL} mode, one batch per record in {@code PER_RECORD} mode; its time runs from the
     * first pipe to the commit of the last transaction, offsets not included.
     */
    static String profile(Map<String, Double> before, Map<String, Double> after, Duration elapsed) {
        java.util.function.Function<String, Double> delta = key -> after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
        double batches = delta.apply("consumer_batch_seconds_count");
        if (batches == 0) {
            return "no batch timings (metrics endpoint not reachable)";
        }
        double batchSeconds = delta.apply("consumer_batch_seconds_sum");
        StringBuilder out = new StringBuilder(String.format("%,.0f polls of %,.0f records, %.1f ms each to apply, %.0f %% of the time; per event:",
                batches, delta.apply("consumer_batch_size_sum") / batches, 1000 * batchSeconds / batches,
                100 * batchSeconds / ConsumerRun.seconds(elapsed)));
        after.keySet().stream().filter(key -> key.startsWith("consumer_pipe_seconds_count:")).forEach(key -> {
            String pipe = key.substring(key.indexOf(':') + 1);
            double count = delta.apply(key);
            double seconds = delta.apply("consumer_pipe_seconds_sum:" + pipe);
            out.append(String.format(" %s %.0f µs,", pipe, count == 0 ? 0 : 1e6 * seconds / count));
        });
        out.append(String.format(" %,.0f duplicates skipped, %,.0f Redis failures",
                delta.apply("consumer_events_duplicates_total"), delta.apply("consumer_redis_failures_total")));
        return out.toString();
    }
}
