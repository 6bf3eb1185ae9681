package io.github.orderoutbox.model.json;

import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.UnreadableEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON side of order events: parses payload bytes into a tree, reads the tree of an event's
 * newest version into its record, and writes records back to payloads. Thread-safe; share one.
 *
 * <p>Reading is strict, because a payload that two readers could understand differently is a
 * broken contract: a key given twice, trailing content after the document, an unknown property or
 * a missing primitive are refused. Money is a decimal string read into {@link java.math.BigDecimal};
 * timestamps are RFC 3339 strings read into {@link java.time.Instant}. Snake-case names and money as
 * strings are declared on the records themselves, so any Jackson 3 mapper writes the same payload.
 */
public final class EventJson {

    private final JsonMapper mapper;
    // A reader per record type, made once: binding a tree through a prepared reader skips looking up
    // the type's deserializer on every event, about a quarter of the binding's cost.
    private final ClassValue<ObjectReader> readers = new ClassValue<>() {
        @Override
        protected ObjectReader computeValue(Class<?> type) {
            return mapper.readerFor(type);
        }
    };

    public EventJson() {
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }

    /** The configured mapper, for code that needs Jackson directly (building trees, tests). */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * Parses a payload into a tree.
     *
     * @throws UnreadableEventException when the bytes are empty or not one well-formed JSON document
     */
    public JsonNode readTree(byte[] json) {
        try {
            return requireDocument(mapper.readTree(json));
        } catch (JacksonException e) {
            throw new UnreadableEventException("payload is not well-formed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a payload given as text; see {@link #readTree(byte[])}. */
    public JsonNode readTree(String json) {
        try {
            return requireDocument(mapper.readTree(json));
        } catch (JacksonException e) {
            throw new UnreadableEventException("payload is not well-formed JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads the payload of an event's newest version (upcast first) into the record of its type.
     *
     * @throws io.github.orderoutbox.model.rejection.UnknownEventTypeException for an unknown type
     * @throws InvalidEventException when the payload does not fit the record (a schema-valid payload
     *         still can, e.g. when a v2 {@code total} is not the sum of its lines)
     */
    public OrderEvent read(String eventType, JsonNode newestPayload) {
        EventType type = EventType.of(eventType);
        return read(newestPayload, type.recordType());
    }

    /** Reads the payload of an event's newest version into the given record; see {@link #read(String, JsonNode)}. */
    public <T extends OrderEvent> T read(JsonNode newestPayload, Class<T> recordType) {
        try {
            return readers.get(recordType).readValue(newestPayload);
        } catch (JacksonException e) {
            String field = jsonPath(e.getPath());
            String reason = e.getCause() instanceof IllegalArgumentException invalid ? invalid.getMessage() : e.getOriginalMessage();
            throw new InvalidEventException(recordType.getSimpleName() + " payload",
                    List.of(new Violation(field, field + ": " + reason)), e);
        }
    }

    /** The payload of an event, as UTF-8 JSON bytes. */
    public byte[] write(OrderEvent event) {
        return mapper.writeValueAsBytes(event);
    }

    /** The payload of an event, as JSON text. */
    public String writeString(OrderEvent event) {
        return new String(write(event), StandardCharsets.UTF_8);
    }

    private static JsonNode requireDocument(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new UnreadableEventException("payload is empty", null);
        }
        return node;
    }

    /** Turns Jackson's reference chain into a JSON path, e.g. {@code $.lines[0].unit_price}. */
    private static String jsonPath(List<JacksonException.Reference> path) {
        StringBuilder field = new StringBuilder("$");
        for (JacksonException.Reference reference : path) {
            if (reference.getPropertyName() != null) {
                field.append('.').append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }
}
