package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What the events of one batch share while they go through the pipes: the read-model changes
 * that will be written in one transaction, and what the batch's look-ups found. It reaches the
 * pipes as the context's {@code batch}; a retried batch starts with a new scope.
 *
 * <p>While its look-ups run, a scope may also know the changes of the batch before it, which is
 * still being written ({@link #inFlight}): the look-ups read the database as it was before that
 * batch, and {@link BatchAware} pipes complete what they read from those changes.
 */
public final class BatchScope {

    private final int attempt;
    private final ReadModelChanges changes = new ReadModelChanges();
    private final Map<UUID, Long> appliedBefore = new HashMap<>(); // event id -> position applied at
    private ReadModelChanges inFlight;

    public BatchScope(int attempt) {
        this(attempt, null);
    }

    /**
     * @param inFlight the changes of the batch before this one, not yet committed, or {@code null}
     */
    public BatchScope(int attempt, ReadModelChanges inFlight) {
        this.attempt = attempt;
        this.inFlight = inFlight;
    }

    /**
     * The changes of the batch before this one, which the database may not show yet: to be taken
     * as committed by the look-ups before the batch ({@link BatchAware#beforeBatch}). Empty when
     * no batch is being written, and once the look-ups are done.
     */
    public Optional<ReadModelChanges> inFlight() {
        return Optional.ofNullable(inFlight);
    }

    /** Drops the link to the batch before, once the look-ups have taken what they need. */
    void forgetInFlight() {
        inFlight = null;
    }

    /** 1 the first time the batch is tried, 2 on the first retry. */
    public int attempt() {
        return attempt;
    }

    public ReadModelChanges changes() {
        return changes;
    }

    /**
     * Records events found applied by an earlier batch (in Redis or in Postgres), each with the
     * outbox position it was applied at.
     */
    public void addAppliedBefore(Map<UUID, Long> positions) {
        appliedBefore.putAll(positions);
    }

    /**
     * The outbox position at which an event of this id was applied, before this batch or earlier in
     * it; empty if none was. An event of the id at another position is not the applied one.
     */
    public OptionalLong appliedPosition(UUID eventId) {
        Long before = appliedBefore.get(eventId);
        return before != null ? OptionalLong.of(before) : changes.appliedPosition(eventId);
    }
}
