package io.github.orderoutbox.consumer.pipeline;

import java.util.Objects;
import java.util.Optional;

/**
 * What travels through the consumer's pipes for one event: the event as received and the attempt
 * number, which never change, and slots that the pipes fill for the pipes after them (event id,
 * type and version, parsed payload, enrichment, whether it is a duplicate).
 *
 * <p>Reading a slot that no earlier pipe filled throws, naming the slot: that is a mistake in the
 * order of the pipes, not a property of the event. A context belongs to one event and is handled
 * by one thread at a time; a retry gets a fresh context from {@link #nextAttempt()}, so nothing a
 * failed attempt half-filled leaks into the next one.
 */
public final class EventContext {

    private final ReceivedEvent event;
    private final int attempt;
    private final Object batch;

    private String eventId;
    private String eventType;
    private int eventVersion;
    private Object payload;
    private Object enrichment;
    private boolean duplicate;

    /**
     * @param attempt 1 for the first time this event goes through the chain, 2 for the first retry
     */
    public EventContext(ReceivedEvent event, int attempt) {
        this(event, attempt, null);
    }

    /**
     * A context for an event that is handled as part of a batch (the records of one poll): pipes
     * that work per batch, such as one Redis round trip or one transaction for all its events,
     * reach the batch's shared state through {@link #batch(Class)}.
     *
     * @param batch the state the events of one batch share, or {@code null} for an event on its own
     */
    public EventContext(ReceivedEvent event, int attempt, Object batch) {
        this.event = Objects.requireNonNull(event, "event");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1: " + attempt);
        }
        this.attempt = attempt;
        this.batch = batch;
    }

    /** The context for the first attempt at an event. */
    public static EventContext firstAttempt(ReceivedEvent event) {
        return new EventContext(event, 1);
    }

    /** A fresh context for the same event, one attempt later, with every slot empty. */
    public EventContext nextAttempt() {
        return new EventContext(event, attempt + 1, batch);
    }

    /**
     * The state shared by the events of this context's batch, as the type the pipe expects.
     *
     * @throws IllegalStateException if the event is not handled as part of a batch
     * @throws ClassCastException if the batch is of another type
     */
    public <T> T batch(Class<T> type) {
        if (batch == null) {
            throw new IllegalStateException("this event is not handled as part of a batch: the pipe needs a batch processor");
        }
        return type.cast(batch);
    }

    public ReceivedEvent event() {
        return event;
    }

    public int attempt() {
        return attempt;
    }

    /** The event's id (CloudEvents {@code id}), used to deduplicate. */
    public String eventId() {
        return filled(eventId, "eventId");
    }

    /** The event id if a pipe has filled it already, for reports about events that failed early. */
    public Optional<String> eventIdIfKnown() {
        return Optional.ofNullable(eventId);
    }

    public void setEventId(String eventId) {
        this.eventId = Objects.requireNonNull(eventId, "eventId");
    }

    /** The event type, such as {@code OrderPlaced}. */
    public String eventType() {
        return filled(eventType, "eventType");
    }

    public void setEventType(String eventType) {
        this.eventType = Objects.requireNonNull(eventType, "eventType");
    }

    /** The schema version of the payload; after upcasting, the newest version of its type. */
    public int eventVersion() {
        if (eventVersion == 0) {
            throw notFilled("eventVersion");
        }
        return eventVersion;
    }

    public void setEventVersion(int eventVersion) {
        if (eventVersion < 1) {
            throw new IllegalArgumentException("versions count from 1: " + eventVersion);
        }
        this.eventVersion = eventVersion;
    }

    /**
     * The parsed payload (for example a JSON tree), as the type the pipe expects.
     *
     * @throws ClassCastException if an earlier pipe put something else there
     */
    public <T> T payload(Class<T> type) {
        return type.cast(filled(payload, "payload"));
    }

    public void setPayload(Object payload) {
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** What enrichment added, if the event was enriched (only some event types are). */
    public <T> Optional<T> enrichment(Class<T> type) {
        return Optional.ofNullable(enrichment).map(type::cast);
    }

    public void setEnrichment(Object enrichment) {
        this.enrichment = Objects.requireNonNull(enrichment, "enrichment");
    }

    /** Whether the event was found to be applied already, so its effects must be skipped. */
    public boolean isDuplicate() {
        return duplicate;
    }

    public void markDuplicate() {
        this.duplicate = true;
    }

    @Override
    public String toString() {
        return "EventContext[" + event.topic() + "-" + event.partition() + "@" + event.offset()
                + ", attempt=" + attempt + ", eventId=" + eventId + ", type=" + eventType
                + ", version=" + eventVersion + ", duplicate=" + duplicate + "]";
    }

    private static <T> T filled(T slot, String name) {
        if (slot == null) {
            throw notFilled(name);
        }
        return slot;
    }

    private static IllegalStateException notFilled(String name) {
        return new IllegalStateException(
                name + " is not filled yet: the pipe that fills it must come earlier in the pipeline");
    }
}
