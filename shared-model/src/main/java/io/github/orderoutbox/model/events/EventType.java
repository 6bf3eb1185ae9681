package io.github.orderoutbox.model.events;

import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The catalogue of order event types this code knows: each type's name on the wire
 * ({@code ce_type}), its newest version and the record that version is read into. Adding a type or
 * a version starts here; the schemas and upcasters are checked against this list when loaded.
 */
public enum EventType {

    ORDER_PLACED(OrderPlaced.TYPE, OrderPlaced.VERSION, OrderPlaced.class),
    ORDER_PAID(OrderPaid.TYPE, OrderPaid.VERSION, OrderPaid.class),
    ORDER_SHIPPED(OrderShipped.TYPE, OrderShipped.VERSION, OrderShipped.class),
    ORDER_DELIVERED(OrderDelivered.TYPE, OrderDelivered.VERSION, OrderDelivered.class),
    ORDER_CANCELLED(OrderCancelled.TYPE, OrderCancelled.VERSION, OrderCancelled.class);

    private static final Map<String, EventType> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(EventType::typeName, Function.identity()));

    private final String typeName;
    private final int newestVersion;
    private final Class<? extends OrderEvent> recordType;

    EventType(String typeName, int newestVersion, Class<? extends OrderEvent> recordType) {
        this.typeName = typeName;
        this.newestVersion = newestVersion;
        this.recordType = recordType;
    }

    /** The name on the wire, e.g. {@code OrderPlaced}. */
    public String typeName() {
        return typeName;
    }

    /** The newest version of this type, the one its record represents; versions run from 1 to it. */
    public int newestVersion() {
        return newestVersion;
    }

    /** The record the newest version is read into. */
    public Class<? extends OrderEvent> recordType() {
        return recordType;
    }

    /** The type of that name, if known. */
    public static Optional<EventType> find(String typeName) {
        return Optional.ofNullable(typeName).map(BY_NAME::get);
    }

    /** The type of that name; an unknown name raises {@link UnknownEventTypeException}. */
    public static EventType of(String typeName) {
        EventType type = typeName == null ? null : BY_NAME.get(typeName);
        if (type == null) {
            throw new UnknownEventTypeException(typeName, BY_NAME.keySet());
        }
        return type;
    }

    /** The type whose newest version a record represents. */
    public static EventType of(OrderEvent event) {
        for (EventType type : values()) {
            if (type.recordType.isInstance(event)) {
                return type;
            }
        }
        throw new IllegalArgumentException("no event type for " + event.getClass().getName());
    }
}
