package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.model.EventHeaders;
import java.util.Objects;
import java.util.Optional;

/**
 * What became of one blocked order sent through the pipes again: released, with how many of its
 * events were applied or skipped, or not, because of one event that failed again. In a dry run
 * it says what would have become of it; nothing was written either way.
 *
 * @param events     the events redriven: the dead-lettered one and the parked ones
 * @param applied    events whose effects were (or would be) written
 * @param duplicates events skipped because they were applied before
 * @param reapplied  events applied to the order before, applied again to rebuild it in
 *                   outbox-position order because a redriven event belongs before them; 0 when the
 *                   order was not rebuilt
 * @param failure    the event that failed, if one did; then nothing of the order was written
 */
public record RedriveResult(String orderId, int events, int applied, int duplicates, int reapplied,
                            Optional<Failure> failure) {

    public RedriveResult {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(failure, "failure");
    }

    /** Whether the order was unblocked (in a dry run: would be). */
    public boolean released() {
        return failure.isEmpty();
    }

    /**
     * What failed again, and where.
     *
     * @param position which of the events run failed, from 1, in the order they ran (with a
     *                 rebuilt order's applied events among them); 0 when the database
     *                 refused the transaction of all of them
     * @param event    the event that failed; empty when the database refused the transaction
     * @param pipe     the pipe that failed, or {@code ReadModelWrite} when the transaction was refused
     */
    public record Failure(int position, Optional<ReceivedEvent> event, String pipe, Throwable cause) {

        public Failure {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(pipe, "pipe");
            Objects.requireNonNull(cause, "cause");
        }

        /** The reason as operators read it: exception class and message, as in a dead letter. */
        public String reason() {
            return cause.getClass().getSimpleName() + ": " + cause.getMessage();
        }

        /** The failed event's {@code ce_type}, if it had one. */
        public Optional<String> eventType() {
            return event.flatMap(e -> e.header(EventHeaders.TYPE));
        }
    }
}
