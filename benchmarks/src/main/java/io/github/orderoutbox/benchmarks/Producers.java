package io.github.orderoutbox.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The baselines' producer and records, configured like the relay's so the comparison is fair. */
final class Producers {

    private Producers() {
    }

    static KafkaProducer<byte[], byte[]> create(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "enable.idempotence", true,
                "acks", "all",
                "linger.ms", 0,
                "batch.size", 256 * 1024,
                "buffer.memory", 128L * 1024 * 1024,
                "compression.type", "none",
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()));
    }

    /**
     * For filling a topic before a run, untimed. A topic just created may refuse the first sends
     * (NOT_LEADER_OR_FOLLOWER: its metadata names the leader before the broker leads), and after
     * that the idempotent producer above was seen answering OUT_OF_ORDER_SEQUENCE_NUMBER for two
     * minutes. One request in flight keeps each partition in send order through retries without
     * idempotence, which is all a loader needs: an order's events must stay in their order.
     */
    static KafkaProducer<byte[], byte[]> loader(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                "bootstrap.servers", bootstrapServers,
                "enable.idempotence", false,
                "max.in.flight.requests.per.connection", 1,
                "acks", "all",
                "linger.ms", 5,
                "batch.size", 256 * 1024,
                "buffer.memory", 128L * 1024 * 1024,
                "compression.type", "lz4",
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()));
    }

    /** A record shaped like the relay's: key, JSON value, the ten CloudEvents headers and a traceparent. */
    static ProducerRecord<byte[], byte[]> record(String topic, long position, String eventId, String orderId, String payload) {
        List<Header> headers = List.of(
                header("ce_specversion", "1.0"), header("ce_id", eventId), header("ce_type", "OrderPlaced"),
                header("ce_source", "/orders-service"), header("ce_subject", orderId),
                header("ce_time", "2026-11-28T08:15:30.123456Z"), header("content-type", "application/json"),
                header("ce_eventversion", "1"), header("ce_outboxposition", Long.toString(position)),
                header("ce_aggregatetype", "order"),
                header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        return new ProducerRecord<>(topic, null, orderId.getBytes(UTF_8), payload.getBytes(UTF_8), headers);
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(UTF_8));
    }
}
