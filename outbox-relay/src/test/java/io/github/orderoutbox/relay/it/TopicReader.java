package io.github.orderoutbox.relay.it;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic from the beginning, partition by partition in offset order. */
final class TopicReader {

    private static final Pattern SEQ = Pattern.compile("\"seq\": ?(\\d+)");

    /** Everything read, in the order each partition holds it. */
    record Events(List<ConsumerRecord<byte[], byte[]>> records) {

        /** seq values per order (record key), in partition order, duplicates included. */
        Map<String, List<Integer>> seqByOrder() {
            Map<String, List<Integer>> byOrder = new LinkedHashMap<>();
            for (var record : records) {
                Matcher m = SEQ.matcher(new String(record.value(), UTF_8));
                if (!m.find()) {
                    throw new AssertionError("record without seq: " + new String(record.value(), UTF_8));
                }
                byOrder.computeIfAbsent(new String(record.key(), UTF_8), k -> new ArrayList<>()).add(Integer.parseInt(m.group(1)));
            }
            return byOrder;
        }

        Set<String> distinctEventIds() {
            Set<String> ids = new LinkedHashSet<>();
            for (var record : records) {
                ids.add(new String(record.headers().lastHeader("ce_id").value(), UTF_8));
            }
            return ids;
        }
    }

    /** Reads until {@code distinctEvents} distinct event ids were seen or the timeout passed, then a little more for duplicates. */
    static Events readAll(String bootstrapServers, String topic, int distinctEvents, Duration timeout) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record);
                    ids.add(new String(record.headers().lastHeader("ce_id").value(), UTF_8));
                }
                if (ids.size() >= distinctEvents && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return new Events(records);
    }
}
