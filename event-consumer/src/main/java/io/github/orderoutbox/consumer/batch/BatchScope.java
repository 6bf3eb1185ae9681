package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * What the events of one batch share while they go through the pipes: the read-model changes
 * that will be written in one transaction, and what the batch's look-ups found. It reaches the
 * pipes as the context's {@code batch}; a retried batch starts with a new scope.
 */
public final class BatchScope {

    private final int attempt;
    private final ReadModelChanges changes = new ReadModelChanges();
    private final Set<UUID> appliedBefore = new HashSet<>();

    public BatchScope(int attempt) {
        this.attempt = attempt;
    }

    /** 1 the first time the batch is tried, 2 on the first retry. */
    public int attempt() {
        return attempt;
    }

    public ReadModelChanges changes() {
        return changes;
    }

    /** Records events found applied by an earlier batch (in Redis or in Postgres). */
    public void addAppliedBefore(Collection<UUID> eventIds) {
        appliedBefore.addAll(eventIds);
    }

    /** Whether the event was applied before this batch or earlier in it. */
    public boolean isApplied(UUID eventId) {
        return appliedBefore.contains(eventId) || changes.isApplied(eventId);
    }
}
