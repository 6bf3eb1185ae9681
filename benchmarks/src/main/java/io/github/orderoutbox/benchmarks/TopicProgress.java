package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records Kafka has acknowledged on a topic: the sum of its partitions' end offsets. The
 * same yardstick for every peer (relay, Debezium, pollers), read from the broker rather than from
 * a peer's own counters. Every topic of a run is fresh, so an end offset is a count.
 */
final class TopicProgress implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    TopicProgress(String bootstrapServers, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()));
        this.partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions); // asked about partitions it does not hold, the consumer logs a warning each time
    }

    long records() {
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits, checking every 20 ms, until the topic holds {@code count} records.
     *
     * @param alive checked on each round, so a peer that died fails the wait instead of stalling it
     */
    void await(long count, Duration timeout, Runnable alive) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen;
        while ((seen = records()) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + seen + " of " + count + " records on the topic after " + timeout);
            }
            alive.run();
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
