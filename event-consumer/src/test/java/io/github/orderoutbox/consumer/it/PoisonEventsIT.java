package io.github.orderoutbox.consumer.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.deadletter.DeadLetterHeaders;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each kind of event that cannot be applied goes to the dead-letter topic at once, with its key
 * and headers that say where and why; the later events of its order are parked, not applied past
 * the gap; every other order is applied as if nothing happened.
 */
class PoisonEventsIT {

    private final EventJson json = new EventJson();
    private ConsumerFixture fixture;
    private OrderEvents events;

    @BeforeEach
    void setUp() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        events = new OrderEvents(fixture.topic);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** One poisoned order per kind: its OrderPlaced is fine, the next event is the poison, then one more event. */
    @Test
    void deadLettersEachKindOfPoisonAndParksTheRestOfItsOrder() {
        Map<String, Poison> poisons = new java.util.LinkedHashMap<>();
        poisons.put("not-json", new Poison("UnreadableEventException", "ValidateEventSchema",
                id -> events.raw(id, "OrderPaid", 1, UUID.randomUUID(), "{not json".getBytes(UTF_8))));
        poisons.put("unknown-type", new Poison("UnknownEventTypeException", "ValidateEventSchema",
                id -> events.raw(id, "OrderTeleported", 1, UUID.randomUUID(), "{}".getBytes(UTF_8))));
        poisons.put("future-version", new Poison("UnknownEventVersionException", "ValidateEventSchema",
                id -> events.raw(id, "OrderPaid", 7, UUID.randomUUID(), json.write(OrderEvents.paid(id)))));
        poisons.put("invalid-schema", new Poison("InvalidEventException", "ValidateEventSchema",
                id -> events.raw(id, "OrderPaid", 1, UUID.randomUUID(),
                        ("{\"order_id\":\"" + id + "\",\"payment_id\":\"p\",\"amount\":12.5,\"currency\":\"EUR\","
                                + "\"paid_at\":\"2026-11-02T09:01:00Z\"}").getBytes(UTF_8))));
        poisons.put("rule-delivered-before-shipped", new Poison("BusinessRuleViolationException", "SyncReadModel",
                id -> events.record(OrderEvents.delivered(id))));
        poisons.put("rule-paid-other-currency", new Poison("BusinessRuleViolationException", "SyncReadModel",
                id -> events.record(new OrderPaid(id, "p-1", new java.math.BigDecimal("19.00"), "USD",
                        OrderEvents.T0.plusSeconds(60)))));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, ProducerRecord<byte[], byte[]>> poisonRecords = new HashMap<>();
        for (var poison : poisons.entrySet()) {
            String orderId = poison.getKey();
            records.add(events.record(OrderEvents.placed(orderId, "c-poison")));
            ProducerRecord<byte[], byte[]> bad = poison.getValue().record().make(orderId);
            poisonRecords.put(orderId, bad);
            records.add(bad);
            records.add(events.record(new OrderShipped(orderId, "DHL", "T-" + orderId, OrderEvents.T0.plusSeconds(3600))));
        }
        List<ProducerRecord<byte[], byte[]>> healthy = events.lifecycles("ok-", 10);
        records.addAll(healthy);
        List<RecordMetadata> sent = Kafka.send(fixture.kafka.bootstrapServers(), records);

        fixture.startConsumer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(records.size()));

        // Every healthy order applied; every poisoned order stopped at its OrderPlaced.
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE order_id LIKE 'ok-%'")).isEqualTo(10);
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event WHERE order_id LIKE 'ok-%'")).isEqualTo(healthy.size());
        for (String orderId : poisons.keySet()) {
            assertThat(fixture.jdbc.queryForObject("SELECT status FROM read_model.order_summary WHERE order_id = ?",
                    String.class, orderId)).as(orderId).isEqualTo("PLACED");
        }

        // One dead letter per poison, with the original key, value and headers, and where and why.
        List<ConsumerRecord<byte[], byte[]>> deadLetters = Kafka.readAll(fixture.kafka.bootstrapServers(),
                fixture.deadLetterTopic, poisons.size());
        assertThat(deadLetters).hasSize(poisons.size());
        for (ConsumerRecord<byte[], byte[]> letter : deadLetters) {
            String orderId = new String(letter.key(), UTF_8);
            Poison poison = poisons.get(orderId);
            ProducerRecord<byte[], byte[]> original = poisonRecords.get(orderId);
            RecordMetadata where = sent.get(records.indexOf(original));
            assertThat(letter.value()).as(orderId).isEqualTo(original.value());
            assertThat(Kafka.header(letter, "ce_id")).isEqualTo(new String(original.headers().lastHeader("ce_id").value(), UTF_8));
            assertThat(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(fixture.topic);
            assertThat(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_PARTITION)).isEqualTo(Integer.toString(where.partition()));
            assertThat(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo(Long.toString(where.offset()));
            assertThat(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_TIMESTAMP))
                    .isEqualTo(java.time.Instant.ofEpochMilli(where.timestamp()).toString());
            assertThat(Kafka.header(letter, DeadLetterHeaders.CONSUMER_GROUP)).isEqualTo(fixture.group);
            assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_CLASS)).as(orderId).endsWith("." + poison.exception());
            assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE)).as(orderId).isNotBlank();
            assertThat(Kafka.header(letter, DeadLetterHeaders.FAILED_PIPE)).as(orderId).isEqualTo(poison.pipe());
            assertThat(Kafka.header(letter, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
            assertThat(Kafka.header(letter, DeadLetterHeaders.EVENT_ID)).isEqualTo(Kafka.header(letter, "ce_id"));
            assertThat(Kafka.header(letter, DeadLetterHeaders.FAILED_AT)).isNotBlank();
        }
        assertThat(Kafka.header(deadLetters.stream().filter(l -> new String(l.key(), UTF_8).equals("rule-paid-other-currency"))
                .findFirst().orElseThrow(), DeadLetterHeaders.EXCEPTION_MESSAGE))
                .isEqualTo("order rule-paid-other-currency: paid in USD but the order is in EUR");

        // Each poisoned order is blocked by its dead letter, and its later event parked as received.
        assertThat(fixture.jdbc.queryForList("SELECT order_id FROM read_model.blocked_order ORDER BY order_id", String.class))
                .containsExactlyInAnyOrderElementsOf(poisons.keySet());
        for (String orderId : poisons.keySet()) {
            Map<String, Object> parked = fixture.jdbc.queryForMap(
                    "SELECT event_type, convert_from(record_key, 'UTF8') AS key, reason FROM read_model.parked_event WHERE order_id = ?",
                    orderId);
            assertThat(parked).containsEntry("event_type", "OrderShipped").containsEntry("key", orderId);
            assertThat((String) parked.get("reason")).startsWith("order " + orderId + " is blocked by dead-lettered event");
        }
    }

    @Test
    void parksLaterEventsOfABlockedOrderAcrossBatchesAndRestarts() {
        List<ProducerRecord<byte[], byte[]>> first = List.of(
                events.record(OrderEvents.placed("o-1", "c-1")),
                events.record(OrderEvents.delivered("o-1"))); // not shipped yet: a rule violation
        Kafka.send(fixture.kafka.bootstrapServers(), first);
        var consumer = fixture.startConsumer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isEqualTo(1));
        consumer.close();

        // A new consumer, later polls: the order stays blocked.
        List<ProducerRecord<byte[], byte[]>> later = List.of(
                events.record(OrderEvents.shipped("o-1")),
                events.record(OrderEvents.delivered("o-1")),
                events.record(OrderEvents.placed("o-2", "c-1")));
        Kafka.send(fixture.kafka.bootstrapServers(), later);
        fixture.startConsumer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(5));

        assertThat(fixture.jdbc.queryForList("SELECT event_type FROM read_model.parked_event WHERE order_id = 'o-1'"
                + " ORDER BY kafka_offset", String.class)).containsExactly("OrderShipped", "OrderDelivered");
        assertThat(fixture.jdbc.queryForObject("SELECT status FROM read_model.order_summary WHERE order_id = 'o-1'",
                String.class)).isEqualTo("PLACED");
        assertThat(fixture.jdbc.queryForObject("SELECT status FROM read_model.order_summary WHERE order_id = 'o-2'",
                String.class)).isEqualTo("PLACED");
    }

    @Test
    void stripsOlderFailureHeadersWhenADeadLetterFailsAgain() {
        // A record that already went through a dead-letter topic once and is sent back as it was.
        ProducerRecord<byte[], byte[]> bad = events.raw("o-9", "OrderPaid", 1, UUID.randomUUID(), "nope".getBytes(UTF_8));
        bad.headers().add(DeadLetterHeaders.EXCEPTION_MESSAGE, "an older failure".getBytes(UTF_8));
        bad.headers().add(DeadLetterHeaders.ATTEMPTS, "3".getBytes(UTF_8));
        bad.headers().add("dlq_some_header_of_an_older_version", "x".getBytes(UTF_8));
        Kafka.send(fixture.kafka.bootstrapServers(), List.of(bad));

        fixture.startConsumer();

        List<ConsumerRecord<byte[], byte[]>> letters = Kafka.readAll(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic, 1);
        assertThat(letters).hasSize(1);
        var headers = letters.get(0).headers();
        assertThat(headers.headers(DeadLetterHeaders.EXCEPTION_MESSAGE)).hasSize(1);
        assertThat(Kafka.header(letters.get(0), DeadLetterHeaders.EXCEPTION_MESSAGE)).isNotEqualTo("an older failure");
        assertThat(Kafka.header(letters.get(0), DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
        assertThat(headers.lastHeader("dlq_some_header_of_an_older_version")).isNull();
        assertThat(Kafka.header(letters.get(0), "ce_type")).isEqualTo("OrderPaid");
    }

    @FunctionalInterface
    interface RecordMaker {
        ProducerRecord<byte[], byte[]> make(String orderId);
    }

    record Poison(String exception, String pipe, RecordMaker record) {
    }
}
