package io.github.orderoutbox.consumer.pipeline;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import io.github.orderoutbox.model.EventHeaders;

/**
 * One event as it was received, before any pipe looked at it: where it was read from (topic,
 * partition, offset), its timestamp, key, headers and raw value. Immutable; the broker adapter
 * builds it, so nothing here knows the broker's client classes.
 *
 * @param key     the record key (the order id), or {@code null} if the record had none
 * @param headers header values decoded as UTF-8, copied; a header without a value is left out by
 *                the adapter
 * @param value   the raw value, copied in and out; {@link #valueStream()} reads it without a copy
 */
public record ReceivedEvent(
        String topic, int partition, long offset, Instant timestamp, String key,
        Map<String, String> headers, byte[] value) {

    public ReceivedEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(timestamp, "timestamp");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset cannot be negative: " + partition + "@" + offset);
        }
        headers = Map.copyOf(headers);
        value = Objects.requireNonNull(value, "value").clone();
    }

    /** A copy of the raw value. */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** Reads the raw value without copying it, for a parser. */
    public InputStream valueStream() {
        return new ByteArrayInputStream(value);
    }

    public int valueSize() {
        return value.length;
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    /**
     * The event id of the {@code ce_id} header, if it is there and a UUID: what deduplication and
     * dead-letter reports use before (or without) the schema pipe checking the event.
     */
    public Optional<UUID> eventIdHeader() {
        String id = headers.get(EventHeaders.ID);
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReceivedEvent event
                && partition == event.partition
                && offset == event.offset
                && topic.equals(event.topic)
                && timestamp.equals(event.timestamp)
                && Objects.equals(key, event.key)
                && headers.equals(event.headers)
                && Arrays.equals(value, event.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp, key, headers) * 31 + Arrays.hashCode(value);
    }

    /** Where the event came from and its size; the value itself may be large or sensitive. */
    @Override
    public String toString() {
        return "ReceivedEvent[" + topic + "-" + partition + "@" + offset + ", key=" + key
                + ", timestamp=" + timestamp + ", headers=" + headers.keySet() + ", " + value.length + " bytes]";
    }
}
