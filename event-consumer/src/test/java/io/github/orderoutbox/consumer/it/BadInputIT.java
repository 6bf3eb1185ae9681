package io.github.orderoutbox.consumer.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.deadletter.DeadLetterHeaders;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.testsupport.TestServers;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The consumer's rows of the bad-input catalogue (docs/reliability.md): records produced straight
 * to the topic, as no relay would write them. Each bad record travels in one send with a healthy
 * order's whole life and a later event of its own order, so that each row proves both its outcome
 * (a dead letter saying why, or the input applied verbatim) and that nothing around it was lost:
 * the healthy order is applied in full, and the bad order's later event is parked, not dropped and
 * not applied past the gap. One consumer serves every row, on a database and topic of this class.
 */
class BadInputIT {

    private static final EventJson JSON = new EventJson();
    private static ConsumerFixture fixture;
    private static OrderEvents events;

    @BeforeAll
    static void startConsumer() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        events = new OrderEvents(fixture.topic);
        fixture.startConsumer();
    }

    @AfterAll
    static void stopConsumer() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** A bad record of order {@code orderId}, made after the order's OrderPlaced. */
    private record Bad(String exception, String pipe, String reason,
                       BiFunction<OrderEvents, String, ProducerRecord<byte[], byte[]>> record) {

        @Override
        public String toString() {
            return exception + " in " + pipe;
        }
    }

    static Stream<Arguments> deadLettered() {
        return Stream.of(
                Arguments.of("value-not-utf8", new Bad("UnreadableEventException", "ValidateEventSchema",
                        "payload is not well-formed JSON", (e, id) -> withValue(e.record(OrderEvents.paid(id)),
                                replaceFirst(JSON.write(OrderEvents.paid(id)), "pay-", new byte[] {(byte) 0xC3, (byte) 0x28, '-'})))),
                Arguments.of("value-binary", new Bad("UnreadableEventException", "ValidateEventSchema",
                        "payload is not well-formed JSON", (e, id) -> withValue(e.record(OrderEvents.paid(id)),
                                new byte[] {0, 1, 2, (byte) 0xFF, (byte) 0xFE, 0x7F}))),
                Arguments.of("value-empty", new Bad("UnreadableEventException", "ValidateEventSchema",
                        "payload", (e, id) -> withValue(e.record(OrderEvents.paid(id)), new byte[0]))),
                Arguments.of("value-tombstone", new Bad("UnreadableEventException", "ValidateEventSchema",
                        "payload", (e, id) -> withValue(e.record(OrderEvents.paid(id)), null))),
                Arguments.of("no-ce-id", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_id: is required", (e, id) -> without(e.record(OrderEvents.paid(id)), EventHeaders.ID))),
                Arguments.of("ce-id-not-uuid", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_id: must be a UUID, was 'event-1'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.ID, "event-1".getBytes(UTF_8)))),
                Arguments.of("ce-id-not-utf8", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_id: must be a UUID", (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.ID,
                                replaceFirst(UUID.randomUUID().toString().getBytes(UTF_8), "-", new byte[] {(byte) 0xFF})))),
                Arguments.of("no-ce-type", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_type: is required", (e, id) -> without(e.record(OrderEvents.paid(id)), EventHeaders.TYPE))),
                Arguments.of("no-ce-specversion", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_specversion: is required",
                        (e, id) -> without(e.record(OrderEvents.paid(id)), EventHeaders.SPEC_VERSION))),
                Arguments.of("ce-specversion-0.3", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_specversion: must be 1.0, was '0.3'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.SPEC_VERSION, "0.3".getBytes(UTF_8)))),
                Arguments.of("ce-eventversion-not-a-number", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_eventversion: must be a positive integer, was 'one'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.EVENT_VERSION, "one".getBytes(UTF_8)))),
                Arguments.of("content-type-xml", new Bad("InvalidEventException", "ValidateEventSchema",
                        "must be application/json, was 'application/xml'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.CONTENT_TYPE, "application/xml".getBytes(UTF_8)))),
                Arguments.of("ce-time-malformed", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_time: must be an RFC 3339 date-time, was 'yesterday'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.TIME, "yesterday".getBytes(UTF_8)))),
                Arguments.of("ce-time-year-10000", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_time: must be an RFC 3339 date-time, was '+10000-01-01T00:00:00Z'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.TIME, "+10000-01-01T00:00:00Z".getBytes(UTF_8)))),
                Arguments.of("no-ce-outboxposition", new Bad("InvalidEventException", "SyncReadModel",
                        "ce_outboxposition is missing", (e, id) -> without(e.record(OrderEvents.paid(id)), EventHeaders.POSITION))),
                Arguments.of("ce-outboxposition-negative", new Bad("InvalidEventException", "ValidateEventSchema",
                        "ce_outboxposition: must be a positive integer, was '-5'",
                        (e, id) -> with(e.record(OrderEvents.paid(id)), EventHeaders.POSITION, "-5".getBytes(UTF_8)))),
                Arguments.of("payload-order-id-differs-from-subject", new Bad("InvalidEventException", "ValidateEventSchema",
                        "must equal the payload's order_id", (e, id) -> withValue(e.record(OrderEvents.paid(id)),
                                JSON.write(OrderEvents.paid(id + "-other"))))),
                Arguments.of("key-differs-from-subject", new Bad("InvalidEventException", "ValidateEventSchema",
                        "must equal ce_subject", (e, id) -> {
                            ProducerRecord<byte[], byte[]> other = e.record(OrderEvents.paid(id + "-other"));
                            return new ProducerRecord<>(other.topic(), null, null, id.getBytes(UTF_8), other.value(), other.headers());
                        })),
                Arguments.of("pay-an-unknown-order", new Bad("BusinessRuleViolationException", "SyncReadModel",
                        "was never placed", (e, id) -> e.record(OrderEvents.paid(id + "-unknown")))),
                Arguments.of("ship-a-cancelled-order", new Bad("BusinessRuleViolationException", "SyncReadModel",
                        "but the order is cancelled", (e, id) -> e.record(OrderEvents.shipped(id)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadLettered")
    void deadLettersTheBadRecordWithItsReasonAndLosesNothingAroundIt(String name, Bad bad) {
        String orderId = "dl-" + name;
        String healthy = "ok-" + name;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles(healthy + "-", 1));
        records.add(events.record(OrderEvents.placed(orderId, "c-bad")));
        if (name.equals("ship-a-cancelled-order")) {
            records.add(events.record(OrderEvents.cancelled(orderId)));
        }
        ProducerRecord<byte[], byte[]> record = bad.record().apply(events, orderId);
        if (name.equals("pay-an-unknown-order")) {
            // The event belongs to an order that was never placed: it is keyed by that order.
            orderId = orderId + "-unknown";
        }
        records.add(record);
        records.add(events.record(OrderEvents.delivered(orderId)));
        List<RecordMetadata> sent = sendAndAwaitConsumed(records);
        RecordMetadata where = sent.get(records.indexOf(record));

        ConsumerRecord<byte[], byte[]> letter = deadLetterOf(where);
        assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_CLASS)).endsWith("." + bad.exception());
        assertThat(Kafka.header(letter, DeadLetterHeaders.FAILED_PIPE)).isEqualTo(bad.pipe());
        assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE)).contains(bad.reason());
        assertThat(letter.value()).isEqualTo(record.value() == null ? new byte[0] : record.value());
        assertThat(letter.key()).isEqualTo(record.key());

        // Nothing lost around it: the other order of the batch is applied in full ...
        assertThat(status(healthy + "-0")).isEqualTo("DELIVERED");
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event WHERE order_id = ?", healthy + "-0"))
                .isEqualTo(4);
        // ... and the bad order's later event is parked behind the dead letter, not applied past it.
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id = ?", orderId)).isEqualTo(1);
        assertThat(fixture.jdbc.queryForList("SELECT event_type FROM read_model.parked_event WHERE order_id = ?",
                String.class, orderId)).containsExactly("OrderDelivered");
    }

    static Stream<Arguments> badKeys() {
        return Stream.of(
                Arguments.of("no-key", null, "record key is missing"),
                Arguments.of("key-not-utf8", new byte[] {'k', (byte) 0xFF, (byte) 0xFE}, "must equal ce_subject"));
    }

    /**
     * The key places a record in its order's partition, so a record without the order's key has no
     * place in that order's stream: it is dead-lettered with its key as it came, and the order its
     * headers name goes on.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badKeys")
    void deadLettersARecordWithoutItsOrdersKeyAndKeepsTheKeyAsItCame(String name, byte[] key, String reason) {
        String orderId = "dl-" + name;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles("ok-" + name + "-", 1));
        records.add(events.record(OrderEvents.placed(orderId, "c-bad")));
        ProducerRecord<byte[], byte[]> paid = events.record(OrderEvents.paid(orderId));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(paid.topic(), null, null, key, paid.value(), paid.headers());
        records.add(record);
        List<RecordMetadata> sent = sendAndAwaitConsumed(records);

        ConsumerRecord<byte[], byte[]> letter = deadLetterOf(sent.get(records.indexOf(record)));
        assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_CLASS)).endsWith(".InvalidEventException");
        assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE)).contains(reason);
        // The consumer reads keys and headers as UTF-8 text, and the dead letter is written from
        // that text: a byte that is not UTF-8 comes back as U+FFFD (EF BF BD); the value is kept as it came.
        assertThat(letter.key()).isEqualTo(key == null ? null : new String(key, UTF_8).getBytes(UTF_8));
        assertThat(letter.value()).isEqualTo(record.value());
        assertThat(status(orderId)).isEqualTo("PLACED");
        assertThat(status("ok-" + name + "-0")).isEqualTo("DELIVERED");
    }

    @Test
    void appliesSqlAndHtmlInjectionVerbatim() {
        String orderId = "o-1'); DROP TABLE read_model.order_summary; --";
        String customerId = "<script>alert('c')</script>\"; DELETE FROM read_model.customer_summary; --";
        String sku = "SKU-1' OR '1'='1";
        String tracking = "<img src=x onerror=alert(1)> %s %n ${jndi:ldap://x} \u0000?".replace("\u0000", "");
        String reason = "Robert'); DROP TABLE catalog.product;-- & <b>bold</b>";
        OrderPlaced placed = OrderPlaced.of(orderId, customerId,
                List.of(OrderLine.of("1'--", sku, 1, Money.of("4.50", "EUR"))), OrderEvents.T0);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles("ok-injection-", 1));
        records.add(events.record(placed));
        records.add(events.record(new OrderPaid(orderId, "pay'; --", new BigDecimal("4.50"), "EUR", OrderEvents.T0.plusSeconds(1))));
        records.add(events.record(new OrderShipped(orderId, "<b>DHL</b>", tracking, OrderEvents.T0.plusSeconds(2))));
        String cancelledId = "<svg onload=alert(1)>";
        records.add(events.record(OrderEvents.placed(cancelledId, customerId)));
        records.add(events.record(new OrderCancelled(cancelledId, reason, OrderEvents.T0.plusSeconds(3))));
        sendAndAwaitConsumed(records);

        Map<String, Object> summary = fixture.jdbc.queryForMap(
                "SELECT customer_id, status, payment_id FROM read_model.order_summary WHERE order_id = ?", orderId);
        assertThat(summary).containsEntry("customer_id", customerId).containsEntry("status", "SHIPPED")
                .containsEntry("payment_id", "pay'; --");
        assertThat(fixture.jdbc.queryForMap("SELECT line_id, sku FROM read_model.order_line WHERE order_id = ?", orderId))
                .containsEntry("line_id", "1'--").containsEntry("sku", sku);
        assertThat(status(cancelledId)).isEqualTo("CANCELLED");
        assertThat(fixture.count("SELECT count(*) FROM read_model.customer_summary WHERE customer_id = ?", customerId))
                .isEqualTo(1);
        // The tables the strings name are still there, and so is everything else.
        assertThat(fixture.count("SELECT count(*) FROM catalog.product")).isEqualTo(3);
        assertThat(status("ok-injection-0")).isEqualTo("DELIVERED");
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id IN (?, ?)", orderId, cancelledId))
                .isZero();
    }

    @Test
    void appliesTimestampsFarInTheFutureVerbatim() {
        String orderId = "o-future";
        Instant farAway = Instant.parse("9999-12-31T23:59:59Z");
        ProducerRecord<byte[], byte[]> placed = with(events.record(OrderPlaced.of(orderId, "c-future",
                List.of(OrderLine.of("1", "SKU-2", 1, Money.of("30.00", "EUR"))), farAway)), EventHeaders.TIME,
                "9999-12-31T23:59:59Z".getBytes(UTF_8));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles("ok-future-", 1));
        records.add(placed);
        records.add(events.record(new OrderPaid(orderId, "p-f", new BigDecimal("30.00"), "EUR", farAway)));
        sendAndAwaitConsumed(records);

        assertThat(fixture.jdbc.queryForObject("SELECT placed_at = '9999-12-31T23:59:59Z' AND paid_at = placed_at"
                + " FROM read_model.order_summary WHERE order_id = ? AND status = 'PAID'", Boolean.class, orderId)).isTrue();
        assertThat(status("ok-future-0")).isEqualTo("DELIVERED");
    }

    @Test
    void appliesAnEventWithAVeryLargeHeader() {
        String orderId = "o-large-header";
        ProducerRecord<byte[], byte[]> placed = with(events.record(OrderEvents.placed(orderId, "c-large")),
                "x-trace-baggage", "b".repeat(600_000).getBytes(UTF_8));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles("ok-large-", 1));
        records.add(placed);
        records.add(events.record(OrderEvents.paid(orderId)));
        sendAndAwaitConsumed(records);

        assertThat(status(orderId)).isEqualTo("PAID");
        assertThat(status("ok-large-0")).isEqualTo("DELIVERED");
    }

    /**
     * A record as large as the topic accepts is dead-lettered whole although its dead-letter headers
     * make it larger than that: the dead-letter topic must take what its topic took. On a consumer
     * of its own, so that a stuck partition would not hold up the other rows.
     */
    @Test
    void deadLettersARecordAsLargeAsTheTopicAcceptsWithItsHeaders() {
        try (ConsumerFixture own = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis())) {
            OrderEvents ownEvents = new OrderEvents(own.topic);
            ProducerRecord<byte[], byte[]> bad = with(ownEvents.raw("o-huge", "OrderTeleported", 1, UUID.randomUUID(),
                    "{\"order_id\":\"o-huge\"}".getBytes(UTF_8)), "x-blob", "b".repeat(1_048_576 - 700).getBytes(UTF_8));
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(ownEvents.lifecycles("ok-huge-", 4));
            records.add(ownEvents.record(OrderEvents.placed("o-huge", "c-huge")));
            records.add(bad);
            records.add(ownEvents.record(OrderEvents.paid("o-huge")));
            records.addAll(ownEvents.lifecycles("ok-huge-after-", 4));
            String servers = own.kafka.bootstrapServers();
            List<RecordMetadata> sent = Kafka.send(servers, records);
            own.startConsumer();
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Kafka.committedTotal(servers, own.group))
                    .isEqualTo(Kafka.endOffsetsTotal(servers, own.topic)));

            RecordMetadata where = sent.get(records.indexOf(bad));
            List<ConsumerRecord<byte[], byte[]>> letters = Kafka.readAll(servers, own.deadLetterTopic, 1);
            assertThat(letters).hasSize(1);
            ConsumerRecord<byte[], byte[]> letter = letters.get(0);
            assertThat(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_OFFSET)).isEqualTo(Long.toString(where.offset()));
            assertThat(Kafka.header(letter, DeadLetterHeaders.EXCEPTION_CLASS)).endsWith(".UnknownEventTypeException");
            assertThat(letter.headers().lastHeader("x-blob").value()).hasSize(1_048_576 - 700);
            assertThat(own.count("SELECT count(*) FROM read_model.order_summary WHERE order_id LIKE 'ok-huge-%'"
                    + " AND status IN ('DELIVERED', 'CANCELLED')")).isEqualTo(8);
            assertThat(own.jdbc.queryForList("SELECT event_type FROM read_model.parked_event WHERE order_id = 'o-huge'",
                    String.class)).containsExactly("OrderPaid");
        }
    }

    @Test
    void deadLettersASecondEventWithTheSameIdAtAnotherPositionInsteadOfSkippingIt() {
        String orderId = "o-same-id";
        UUID eventId = UUID.randomUUID();
        OrderPaid first = new OrderPaid(orderId, "pay-first", new BigDecimal("19.00"), "EUR", OrderEvents.T0.plusSeconds(1));
        OrderPaid second = new OrderPaid(orderId, "pay-second", new BigDecimal("19.00"), "EUR", OrderEvents.T0.plusSeconds(2));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.lifecycles("ok-same-id-", 1));
        records.add(events.record(OrderEvents.placed(orderId, "c-same")));
        records.add(events.raw(orderId, "OrderPaid", 1, eventId, JSON.write(first)));
        ProducerRecord<byte[], byte[]> again = events.raw(orderId, "OrderPaid", 1, eventId, JSON.write(second));
        records.add(again);
        records.add(events.record(OrderEvents.shipped(orderId)));
        List<RecordMetadata> sent = sendAndAwaitConsumed(records);

        ConsumerRecord<byte[], byte[]> letter = deadLetterOf(sent.get(records.indexOf(again)));
        String firstPosition = header(records.get(records.indexOf(again) - 1), EventHeaders.POSITION);
        assertThat(Kafka.header(letter, DeadLetterHeaders.REASON)).isEqualTo("event-id-reused");
        assertThat(Kafka.header(letter, DeadLetterHeaders.EVENT_ID)).isEqualTo(eventId.toString());
        assertThat(Kafka.header(letter, DeadLetterHeaders.EVENT_POSITION)).isEqualTo(header(again, EventHeaders.POSITION));
        assertThat(Kafka.header(letter, "dlq_applied_position")).isEqualTo(firstPosition);
        assertThat(fixture.jdbc.queryForMap("SELECT status, payment_id FROM read_model.order_summary WHERE order_id = ?",
                orderId)).containsEntry("status", "PAID").containsEntry("payment_id", "pay-first");
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event WHERE event_id = ?", eventId)).isEqualTo(1);
        assertThat(fixture.jdbc.queryForList("SELECT event_type FROM read_model.parked_event WHERE order_id = ?",
                String.class, orderId)).containsExactly("OrderShipped");
        assertThat(status("ok-same-id-0")).isEqualTo("DELIVERED");
    }

    private static List<RecordMetadata> sendAndAwaitConsumed(List<ProducerRecord<byte[], byte[]>> records) {
        String servers = fixture.kafka.bootstrapServers();
        List<RecordMetadata> sent = Kafka.send(servers, records);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Kafka.committedTotal(servers, fixture.group))
                .isEqualTo(Kafka.endOffsetsTotal(servers, fixture.topic)));
        return sent;
    }

    /** The dead letter of the record written at {@code where}, read from the start of the dead-letter topic. */
    private static ConsumerRecord<byte[], byte[]> deadLetterOf(RecordMetadata where) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.kafka.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(fixture.deadLetterTopic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> letter : consumer.poll(Duration.ofMillis(200))) {
                    if (Integer.toString(where.partition()).equals(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_PARTITION))
                            && Long.toString(where.offset()).equals(Kafka.header(letter, DeadLetterHeaders.ORIGINAL_OFFSET))) {
                        return letter;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter of " + where);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), UTF_8);
    }

    private static String status(String orderId) {
        List<String> status = fixture.jdbc.queryForList("SELECT status FROM read_model.order_summary WHERE order_id = ?",
                String.class, orderId);
        return status.isEmpty() ? null : status.get(0);
    }

    private static ProducerRecord<byte[], byte[]> withValue(ProducerRecord<byte[], byte[]> record, byte[] value) {
        return new ProducerRecord<>(record.topic(), null, null, record.key(), value, record.headers());
    }

    private static ProducerRecord<byte[], byte[]> without(ProducerRecord<byte[], byte[]> record, String header) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(header);
        return new ProducerRecord<>(record.topic(), null, null, record.key(), record.value(), headers);
    }

    private static ProducerRecord<byte[], byte[]> with(ProducerRecord<byte[], byte[]> record, String header, byte[] value) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.remove(header);
        headers.add(header, value);
        return new ProducerRecord<>(record.topic(), null, null, record.key(), record.value(), headers);
    }

    /** The bytes with the first occurrence of {@code text} replaced by {@code replacement}. */
    private static byte[] replaceFirst(byte[] bytes, String text, byte[] replacement) {
        byte[] target = text.getBytes(UTF_8);
        for (int i = 0; i + target.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + target.length, target, 0, target.length)) {
                byte[] result = new byte[bytes.length - target.length + replacement.length];
                System.arraycopy(bytes, 0, result, 0, i);
                System.arraycopy(replacement, 0, result, i, replacement.length);
                System.arraycopy(bytes, i + target.length, result, i + replacement.length, bytes.length - i - target.length);
                return result;
            }
        }
        throw new IllegalArgumentException("'" + text + "' not found");
    }
}
