package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
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

    /** The reason as operators read it: exception class and message. */
    public String reason() {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}
