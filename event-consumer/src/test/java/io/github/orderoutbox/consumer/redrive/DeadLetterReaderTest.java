package io.github.orderoutbox.consumer.redrive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.consumer.batch.DeadLetter;
import io.github.orderoutbox.consumer.deadletter.DeadLetterHeaders;
import io.github.orderoutbox.consumer.deadletter.KafkaDeadLetters;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeadLetterReaderTest {

    private static final UUID EVENT_ID = UUID.fromString("7f3c0a4e-2b1d-4c55-9a8e-1f2d3c4b5a69");

    @Test
    void rebuildsTheEventAsFirstReceivedFromItsDeadLetter() {
        ReceivedEvent original = new ReceivedEvent("orders.events", 2, 15, Instant.parse("2026-11-02T09:00:00.123Z"),
                "o-17", Map.of("ce_id", EVENT_ID.toString(), "ce_type", "OrderPaid", "ce_outboxposition", "42"),
                "{\"order_id\":\"o-17\"}".getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<byte[], byte[]> letter = asConsumed(deadLetterOf(original), 7);

        assertThat(DeadLetterReader.original(letter)).isEqualTo(original);
    }

    @Test
    void refusesARecordThatIsNotADeadLetter() {
        ConsumerRecord<byte[], byte[]> plain = new ConsumerRecord<>("orders.events.dlq", 0, 3, "o-17".getBytes(StandardCharsets.UTF_8),
                new byte[0]);

        assertThatThrownBy(() -> DeadLetterReader.original(plain))
                .isInstanceOf(DeadLetterUnreadableException.class)
                .hasMessage("record orders.events.dlq-0@3 is not a dead letter of this consumer: it has no "
                        + DeadLetterHeaders.ORIGINAL_TOPIC + " header");
    }

    /** The record the consumer's own dead-letter writer sends for the event. */
    private static ProducerRecord<byte[], byte[]> deadLetterOf(ReceivedEvent event) {
        var producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        new KafkaDeadLetters(producer, "orders.events.dlq", "read-model", Duration.ofSeconds(1), Clock.systemUTC())
                .send(List.of(new DeadLetter(event, "SyncReadModel", new IllegalStateException("boom"), 1, Optional.of(EVENT_ID))));
        return producer.history().get(0);
    }

    private static ConsumerRecord<byte[], byte[]> asConsumed(ProducerRecord<byte[], byte[]> record, long offset) {
        return new ConsumerRecord<>(record.topic(), 1, offset, 1_800_000_000_000L, TimestampType.CREATE_TIME,
                record.key().length, record.value().length, record.key(), record.value(),
                new RecordHeaders(record.headers().toArray()), Optional.empty());
    }
}
