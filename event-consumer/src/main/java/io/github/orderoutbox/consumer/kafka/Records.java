package io.github.orderoutbox.consumer.kafka;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;

/** Turns Kafka records into {@link ReceivedEvent}s, the only form the pipes see. */
public final class Records {

    private static final byte[] NO_VALUE = new byte[0];

    private Records() {
    }

    /** The records of a poll in the order received: partition by partition, each in offset order. */
    public static List<ReceivedEvent> toEvents(ConsumerRecords<byte[], byte[]> records) {
        List<ReceivedEvent> events = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            events.add(toEvent(record));
        }
        return events;
    }

    /**
     * One record as an event. Header values are read as UTF-8; of a repeated header the last value
     * counts, and a header without a value is left out. A record without a value (a tombstone) has
     * an empty one, which the schema pipe rejects as unreadable.
     */
    public static ReceivedEvent toEvent(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        Instant timestamp = record.timestamp() < 0 ? Instant.EPOCH : Instant.ofEpochMilli(record.timestamp());
        return new ReceivedEvent(record.topic(), record.partition(), record.offset(), timestamp, key, headers,
                record.value() == null ? NO_VALUE : record.value());
    }
}
