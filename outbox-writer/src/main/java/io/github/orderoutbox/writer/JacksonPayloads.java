package io.github.orderoutbox.writer;

import java.util.Objects;

import tools.jackson.databind.json.JsonMapper;

/**
 * Builds outbox events whose payload is a Java object written as JSON by Jackson 3. Optional: the
 * service must have {@code tools.jackson.core:jackson-databind} on its class path (Spring Boot 4
 * applications do); {@link OutboxEvent} itself only needs JSON text.
 *
 * <pre>{@code
 * outbox.append(payloads.event(order.id(), "OrderPlaced", new OrderPlaced(order.id(), order.total())));
 * }</pre>
 */
public final class JacksonPayloads {

    private final JsonMapper mapper;

    /** Payloads written by the given mapper, e.g. the one a Spring Boot application configures. */
    public JacksonPayloads(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper must not be null");
    }

    /** An event of an order, version 1, with a random id, carrying the payload as JSON. */
    public OutboxEvent event(String aggregateId, String eventType, Object payload) {
        return OutboxEvent.of(aggregateId, eventType, json(payload));
    }

    /** An event of an order with the given payload version and a random id. */
    public OutboxEvent event(String aggregateId, String eventType, int eventVersion, Object payload) {
        return OutboxEvent.of(aggregateId, eventType, eventVersion, json(payload));
    }

    /**
     * The payload as JSON text.
     *
     * @throws tools.jackson.core.JacksonException when Jackson cannot write the object
     */
    public String json(Object payload) {
        return mapper.writeValueAsString(Objects.requireNonNull(payload, "payload must not be null"));
    }
}
