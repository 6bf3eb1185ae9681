package io.github.orderoutbox.model.rejection;

import java.util.Set;
import java.util.TreeSet;

/**
 * An event whose type ({@code ce_type}) this code does not know. It may be a type added by a newer
 * producer, so the event should be parked and redriven after an upgrade rather than dropped.
 */
public class UnknownEventTypeException extends NonRetryableEventException {

    private final String eventType;

    public UnknownEventTypeException(String eventType, Set<String> knownTypes) {
        super("unknown event type '" + eventType + "'; known types are " + new TreeSet<>(knownTypes));
        this.eventType = eventType;
    }

    /** The type as received. */
    public String eventType() {
        return eventType;
    }
}
