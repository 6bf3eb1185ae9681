package io.github.orderoutbox.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Steady load: writers commit events at a fixed rate ({@link PacedWriters}), each in a transaction
 * that locks its order first (the writer contract); a Kafka consumer records, per event, the time
 * from just before the writer's COMMIT to the moment the record is received. Measuring from before
 * the commit counts the commit itself, so the figure errs on the slow side.
 */
final class SteadyLatency {

    private static final int ORDERS = 2_000;

    private SteadyLatency() {
    }

    static LatencyResult run(BenchmarkDatabase db, Path jar, Map<String, String> settings, int rate, Duration warmup,
                             Duration measured) throws Exception {
        try (RelayProcess relay = RelayProcess.start(jar, db, settings, Path.of("benchmarks", "results", "logs", "latency.log"))) {
            relay.awaitReady(Duration.ofSeconds(120));
            LatencyResult result = measure(db, rate, warmup, measured, "relay latency");
            System.out.println("relay phases: " + relay.phases());
            return result;
        }
    }

    /**
     * The load and the measurement alone, against whatever publisher the caller has started on
     * {@code db} (the relay, Debezium): writers at {@code rate} events/s, a consumer on the topic.
     */
    static LatencyResult measure(BenchmarkDatabase db, int rate, Duration warmup, Duration measured, String name)
            throws Exception {
        return measure(db, rate, warmup, measured, name, () -> { });
    }

    /** The same, calling {@code atRecordingStart} when the warm-up ends and latencies start to count. */
    static LatencyResult measure(BenchmarkDatabase db, int rate, Duration warmup, Duration measured, String name,
                                 Runnable atRecordingStart) throws Exception {
        Map<String, Long> committing = new ConcurrentHashMap<>();
        Histogram histogram = new Histogram(Duration.ofSeconds(60).toNanos() / 1000, 3);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong recording = new AtomicLong(Long.MAX_VALUE); // nanoTime from which latencies count

        Thread consumer = new Thread(() -> consume(db, committing, histogram, running, recording), "latency-consumer");
        consumer.start();
        Thread.sleep(2_000); // consumer assigned and at the end of the topic

        double achieved = PacedWriters.run(db, rate, warmup, measured, () -> {
            recording.set(System.nanoTime());
            atRecordingStart.run();
        }, () -> (jdbc, transactions, i) -> write(jdbc, transactions, "order-" + (i % ORDERS), committing));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!committing.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        running.set(false);
        consumer.join();
        if (!committing.isEmpty()) {
            throw new IllegalStateException(committing.size() + " events never reached the consumer");
        }
        synchronized (histogram) {
            return new LatencyResult(name, histogram.getTotalCount(), achieved, histogram.copy());
        }
    }

    /** One writer transaction: lock (create) the order, bump its version, insert its event; {@code committing} may be null. */
    static void write(JdbcTemplate jdbc, TransactionTemplate transactions, String orderId, Map<String, Long> committing) {
        String eventId = UUID.randomUUID().toString();
        transactions.executeWithoutResult(status -> {
            PacedWriters.lockOrder(jdbc, orderId);
            jdbc.update(BenchmarkDatabase.INSERT_ONE, UUID.fromString(eventId), orderId, orderId);
            if (committing != null) {
                committing.put(eventId, System.nanoTime()); // just before COMMIT: the latency includes the commit
            }
        });
    }

    private static void consume(BenchmarkDatabase db, Map<String, Long> committing, Histogram histogram, AtomicBoolean running,
                                AtomicLong recordingFrom) {
        Map<String, Object> config = Map.of(
                "bootstrap.servers", db.kafka.bootstrapServers(),
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName(),
                "fetch.min.bytes", 1,
                "fetch.max.wait.ms", 100);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(db.topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (running.get()) {
                for (var record : consumer.poll(Duration.ofMillis(50))) {
                    long received = System.nanoTime();
                    String id = new String(record.headers().lastHeader("ce_id").value(), UTF_8);
                    Long committed = committing.remove(id);
                    if (committed != null && committed >= recordingFrom.get()) {
                        synchronized (histogram) {
                            histogram.recordValue(Math.max(0, (received - committed) / 1000));
                        }
                    }
                }
            }
        }
    }
}
