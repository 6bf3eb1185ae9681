package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.BusinessRuleViolationException;
import io.github.orderoutbox.consumer.readmodel.EventIdReusedException;
import io.github.orderoutbox.consumer.readmodel.OutOfPositionException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An event to send to the dead-letter topic, and why.
 *
 * @param pipe     the pipe that failed, e.g. {@code ValidateEventSchema}
 * @param failure  what it threw
 * @param attempts how many times the event was tried
 * @param eventId  the event's id if it was known (a valid {@code ce_id})
 */
public record DeadLetter(ReceivedEvent event, String pipe, Throwable failure, int attempts, Optional<UUID> eventId) {

    public DeadLetter {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(pipe, "pipe");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(eventId, "eventId");
    }

    /** The pipe name of a dead letter whose event the database refused when written alone. */
    public static final String WRITE_PHASE = "ReadModelWrite";

    /**
     * The kind of failure, as a short stable code for alerts, dashboards and scripts
     * ({@code dlq_reason}): {@code out-of-position} (older than its order and never applied),
     * {@code event-id-reused} (its id was applied before at another outbox position),
     * {@code business-rule} (the order's history does not allow it), {@code invalid-event}
     * (unreadable, unknown type or version, schema), {@code write-refused} (the database refused
     * it), {@code unexpected} (failed {@code consumer.max-attempts} times for another reason).
     */
    public String reasonCode() {
        if (failure instanceof OutOfPositionException) {
            return OutOfPositionException.REASON_CODE;
        }
        if (failure instanceof EventIdReusedException) {
            return EventIdReusedException.REASON_CODE;
        }
        if (failure instanceof BusinessRuleViolationException) {
            return "business-rule";
        }
        if (Failures.classify(failure) == Failures.Kind.EVENT) {
            return "invalid-event";
        }
        return WRITE_PHASE.equals(pipe) ? "write-refused" : "unexpected";
    }

    /** The reason as operators read it: exception class and message. */
    public String reason() {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
