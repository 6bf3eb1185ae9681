package io.github.orderoutbox.writer;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One event to append to the outbox: the writer's columns of an outbox row, checked before they
 * reach the database. The payload is JSON text (stored as {@code jsonb}); headers are extra string
 * headers the relay copies onto the Kafka record.
 *
 * <pre>{@code
 * OutboxEvent.of(order.id(), "OrderPaid", "{\"orderId\":\"o-42\",\"amount\":\"12.50\"}")
 *         .withHeader("traceparent", traceparent);
 * }</pre>
 *
 * @param eventId       unique id of the event (CloudEvents {@code ce_id}); consumers deduplicate by it
 * @param aggregateType kind of aggregate, {@value #ORDER} unless the service publishes others
 * @param aggregateId   the order id: Kafka record key and {@code ce_subject}
 * @param eventType     event name in the past tense, e.g. {@code OrderPlaced}
 * @param eventVersion  schema version of the payload for its type, from 1
 * @param payloadJson   the event body as JSON text
 * @param headers       extra headers; names starting with {@code ce_} and {@code content-type} are
 *                      reserved for the relay
 */
public record OutboxEvent(
        UUID eventId,
        String aggregateType,
        String aggregateId,
        String eventType,
        int eventVersion,
        String payloadJson,
        Map<String, String> headers) {

    /** The aggregate type the outbox assumes when a writer leaves it out. */
    public static final String ORDER = "order";

    private static final String RESERVED_HEADER_PREFIX = "ce_";
    private static final String RESERVED_CONTENT_TYPE = "content-type";

    public OutboxEvent {
        Objects.requireNonNull(eventId, "eventId must not be null");
        aggregateType = requireText(aggregateType, "aggregateType");
        aggregateId = requireText(aggregateId, "aggregateId");
        eventType = requireText(eventType, "eventType");
        if (eventVersion < 1) {
            throw new IllegalArgumentException("eventVersion must be at least 1, was " + eventVersion);
        }
        payloadJson = requireText(payloadJson, "payloadJson");
        headers = headers == null ? Map.of() : checkedHeaders(headers);
    }

    /** An event of an order, version 1, with a random id and no extra headers. */
    public static OutboxEvent of(String aggregateId, String eventType, String payloadJson) {
        return of(aggregateId, eventType, 1, payloadJson);
    }

    /** An event of an order with the given payload version, a random id and no extra headers. */
    public static OutboxEvent of(String aggregateId, String eventType, int eventVersion, String payloadJson) {
        return new OutboxEvent(UUID.randomUUID(), ORDER, aggregateId, eventType, eventVersion, payloadJson, Map.of());
    }

    /** This event with a chosen id, e.g. one derived from an idempotency key. */
    public OutboxEvent withEventId(UUID id) {
        return new OutboxEvent(id, aggregateType, aggregateId, eventType, eventVersion, payloadJson, headers);
    }

    /** This event for another kind of aggregate; the relay may route it to another topic. */
    public OutboxEvent withAggregateType(String type) {
        return new OutboxEvent(eventId, type, aggregateId, eventType, eventVersion, payloadJson, headers);
    }

    /** This event with one more header, replacing a header of the same name. */
    public OutboxEvent withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return withHeaders(more);
    }

    /** This event with exactly the given headers. */
    public OutboxEvent withHeaders(Map<String, String> replacement) {
        return new OutboxEvent(eventId, aggregateType, aggregateId, eventType, eventVersion, payloadJson, replacement);
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    private static Map<String, String> checkedHeaders(Map<String, String> headers) {
        headers.forEach((name, value) -> {
            requireText(name, "header name");
            Objects.requireNonNull(value, () -> "value of header " + name + " must not be null");
            String lower = name.toLowerCase(Locale.ROOT);
            // The relay writes these itself from the row's columns; a second copy on the record
            // would leave consumers to guess which one is true.
            if (lower.startsWith(RESERVED_HEADER_PREFIX) || lower.equals(RESERVED_CONTENT_TYPE)) {
                throw new IllegalArgumentException("header " + name + " is reserved for the relay");
            }
        });
        return Map.copyOf(headers);
    }
}
