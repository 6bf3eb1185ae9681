package io.github.orderoutbox.consumer.redrive;

import io.github.orderoutbox.consumer.deadletter.DeadLetterHeaders;
import io.github.orderoutbox.consumer.kafka.Records;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.AppliedEvent;
import io.github.orderoutbox.consumer.readmodel.BlockedOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads blocked orders' dead-letter records back, one at a time, by their topic, partition and
 * offset ({@code assign} and {@code seek}, no consumer group, nothing committed), and turns each
 * into the event as it was first received: the original topic, partition, offset and timestamp
 * from the {@code dlq_} headers, the original headers without them. Reads back, the same way,
 * the applied events of an order a redrive rebuilds.
 */
final class DeadLetterReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<byte[], byte[]> consumer;
    private final Duration timeout;

    /**
     * @param consumer a consumer without a group, used by this reader alone; closed with it
     * @param timeout  how long to wait for Kafka to answer about one record
     */
    DeadLetterReader(Consumer<byte[], byte[]> consumer, Duration timeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * The dead-lettered event of a blocked order, as first received.
     *
     * @throws DeadLetterUnreadableException if the record is gone or is not a dead letter
     * @throws TimeoutException if Kafka did not answer in time
     */
    ReceivedEvent read(BlockedOrder order) {
        return original(recordAt(new TopicPartition(order.deadLetterTopic(), order.deadLetterPartition()),
                order.deadLetterOffset(), "dead letter"));
    }

    /**
     * An event recorded as applied, read back from where it was consumed, to rebuild its order.
     *
     * @throws DeadLetterUnreadableException if the record is gone or is another event
     * @throws TimeoutException if Kafka did not answer in time
     */
    ReceivedEvent readRecorded(AppliedEvent recorded) {
        String what = "applied event " + recorded.eventId() + " of order " + recorded.orderId();
        ReceivedEvent event = Records.toEvent(recordAt(new TopicPartition(recorded.topic(), recorded.partition()),
                recorded.offset(), what));
        if (!event.eventIdHeader().filter(recorded.eventId()::equals).isPresent()) {
            throw new DeadLetterUnreadableException(what + " is not at " + recorded.topic() + "-" + recorded.partition()
                    + "@" + recorded.offset() + " (another record is there); the order cannot be rebuilt from the topic");
        }
        return event;
    }

    private ConsumerRecord<byte[], byte[]> recordAt(TopicPartition partition, long offset, String what) {
        String where = what + " " + partition + "@" + offset;
        consumer.assign(List.of(partition));
        long first = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
        if (offset < first) {
            throw new DeadLetterUnreadableException(where + " was deleted by the topic's retention"
                    + " (the partition now starts at offset " + first + ")");
        }
        if (offset >= end) {
            throw new DeadLetterUnreadableException(where + " is past the end of its partition ("
                    + end + "); was the topic deleted and created again?");
        }
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
                if (record.offset() == offset) {
                    return record;
                }
                if (record.offset() > offset) {
                    throw new DeadLetterUnreadableException(where + " is gone (the partition"
                            + " continues at offset " + record.offset() + ")");
                }
            }
        }
        throw new TimeoutException(where + " was not read within " + timeout.toMillis() + " ms");
    }

    /**
     * The event a dead-letter record was made from: where it was first read and its timestamp come
     * from the {@code dlq_} headers, which are then left out; key, value and the other headers are
     * the record's own, which the dead-letter topic kept as received.
     */
    static ReceivedEvent original(ConsumerRecord<byte[], byte[]> record) {
        ReceivedEvent letter = Records.toEvent(record);
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        Map<String, String> headers = new HashMap<>();
        letter.headers().forEach((name, value) -> {
            if (!name.startsWith(DeadLetterHeaders.PREFIX)) {
                headers.put(name, value);
            }
        });
        try {
            return new ReceivedEvent(
                    required(letter, DeadLetterHeaders.ORIGINAL_TOPIC, where),
                    Integer.parseInt(required(letter, DeadLetterHeaders.ORIGINAL_PARTITION, where)),
                    Long.parseLong(required(letter, DeadLetterHeaders.ORIGINAL_OFFSET, where)),
                    Instant.parse(required(letter, DeadLetterHeaders.ORIGINAL_TIMESTAMP, where)),
                    letter.key(), headers, letter.value());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new DeadLetterUnreadableException("dead letter " + where + " has a malformed dlq_original_ header: "
                    + e.getMessage());
        }
    }

    private static String required(ReceivedEvent letter, String header, String where) {
        return letter.header(header).orElseThrow(() -> new DeadLetterUnreadableException(
                "record " + where + " is not a dead letter of this consumer: it has no " + header + " header"));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
