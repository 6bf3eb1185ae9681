package io.github.orderoutbox.consumer.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads ranges of the topic's partitions for a replay, with a consumer of no group: it is assigned
 * one partition at a time, seeks, and never commits, so the service's group and its offsets are
 * not touched. Like the service it reads only committed records ({@code read_committed}).
 */
final class TopicReader implements AutoCloseable {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration API_TIMEOUT = Duration.ofSeconds(30);

    /** Takes the records of one poll within the range; returns false to stop reading the partition. */
    @FunctionalInterface
    interface Chunk {
        /**
         * @param records  the records read, in offset order, all before the end of the range
         * @param position the offset the next record would have, at most the end of the range
         */
        boolean accept(List<ConsumerRecord<byte[], byte[]>> records, long position);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final Duration stallTimeout;

    /**
     * @param stallTimeout how long a partition may give no record while short of the range's end
     *                     before reading it fails
     */
    TopicReader(Consumer<byte[], byte[]> consumer, String topic, Duration stallTimeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.stallTimeout = Objects.requireNonNull(stallTimeout, "stallTimeout");
    }

    /** The topic's partitions by number. */
    List<Integer> partitions() {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, API_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist or has no partitions");
        }
        return infos.stream().map(PartitionInfo::partition).sorted().toList();
    }

    /** Per partition, the offset of the first record at or after {@code time}; partitions without one are absent. */
    SortedMap<Integer, Long> offsetsAt(List<Integer> partitions, Instant time) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(new TopicPartition(topic, p), time.toEpochMilli()));
        SortedMap<Integer, Long> offsets = new TreeMap<>();
        consumer.offsetsForTimes(query, API_TIMEOUT).forEach((partition, found) -> {
            if (found != null) {
                offsets.put(partition.partition(), found.offset());
            }
        });
        return offsets;
    }

    /** Per partition, the offset after the last committed record now. */
    SortedMap<Integer, Long> endOffsets(List<Integer> partitions) {
        return byNumber(consumer.endOffsets(topicPartitions(partitions), API_TIMEOUT));
    }

    /** Per partition, the first offset still in the topic (retention deletes older ones). */
    SortedMap<Integer, Long> logStartOffsets(List<Integer> partitions) {
        return byNumber(consumer.beginningOffsets(topicPartitions(partitions), API_TIMEOUT));
    }

    /**
     * Reads the records of a partition from {@code start} up to, not including, {@code end},
     * handing them over poll by poll.
     *
     * @throws IllegalStateException if the partition stops giving records short of {@code end}
     */
    void read(int partition, long start, long end, Chunk chunk) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, start);
        long lastPosition = start;
        long lastProgress = System.nanoTime();
        while (consumer.position(tp, API_TIMEOUT) < end) {
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT).records(tp)) {
                if (record.offset() < end) {
                    records.add(record);
                }
            }
            long position = consumer.position(tp, API_TIMEOUT);
            if (!chunk.accept(records, Math.min(position, end))) {
                break;
            }
            if (position > lastPosition) {
                lastPosition = position;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
                throw new IllegalStateException("partition " + tp + " gave no record for " + stallTimeout.toSeconds()
                        + " s at offset " + position + ", short of " + end);
            }
        }
        consumer.assign(List.of());
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(10));
    }

    private List<TopicPartition> topicPartitions(List<Integer> partitions) {
        return partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
    }

    private static SortedMap<Integer, Long> byNumber(Map<TopicPartition, Long> offsets) {
        SortedMap<Integer, Long> byNumber = new TreeMap<>();
        offsets.forEach((partition, offset) -> byNumber.put(partition.partition(), offset));
        return byNumber;
    }
}
