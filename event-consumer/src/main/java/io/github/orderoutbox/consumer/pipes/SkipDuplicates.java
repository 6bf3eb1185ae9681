package io.github.orderoutbox.consumer.pipes;

import io.github.orderoutbox.consumer.batch.BatchAware;
import io.github.orderoutbox.consumer.batch.BatchScope;
import io.github.orderoutbox.consumer.batch.StopCodes;
import io.github.orderoutbox.consumer.dedup.RecentlyApplied;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.pipeline.StopReason;
import io.github.orderoutbox.consumer.readmodel.AppliedEvent;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The third pipe: stops an event that was applied before, by its {@code event_id}.
 *
 * <p>Before a batch it asks Redis about all the batch's event ids at once ({@link RecentlyApplied},
 * the fast filter) and asks Postgres about the ones Redis did not know
 * ({@code read_model.applied_event}, the durable record). Per event it then only looks the id up
 * in what the batch found, and in the events applied earlier in the same batch or by the batch
 * before it, which may still be being written. After the batch's transaction commits it tells
 * Redis about the newly applied events.
 *
 * <p>This pipe saves work; it is not what makes a duplicate harmless. The applied-event record,
 * written in the read-model transaction, and the version guard of {@code SyncReadModel} are.
 */
public final class SkipDuplicates implements Pipe<EventContext>, BatchAware {

    private final RecentlyApplied recentlyApplied; // null: Postgres alone, and nothing remembered
    private final boolean askRedis;
    private final ReadModelRepository readModel;

    public SkipDuplicates(RecentlyApplied recentlyApplied, ReadModelRepository readModel) {
        this(Objects.requireNonNull(recentlyApplied, "recentlyApplied"), true, readModel);
    }

    private SkipDuplicates(RecentlyApplied recentlyApplied, boolean askRedis, ReadModelRepository readModel) {
        this.recentlyApplied = recentlyApplied;
        this.askRedis = askRedis;
        this.readModel = Objects.requireNonNull(readModel, "readModel");
    }

    /**
     * The pipe for a replay: it asks {@code read_model.applied_event} alone, never Redis, and writes
     * nothing to Redis after a batch.
     *
     * <p>Redis remembers every event a replay feeds again (they were all applied before), so asking
     * it would stop the whole replay (the trap "replay fights dedup"). Deleting those keys first
     * would work for a real replay, but a dry run would then change Redis although it promises to
     * change nothing, and a replay that fails half-way would leave the keys gone. Postgres answers
     * correctly inside the replay's transaction: the replay deleted the records of exactly the
     * events it feeds again, so they are "not applied" until the replay applies them, and an event
     * recorded in any other way is still skipped. A replay's batch ends at a savepoint, not a
     * commit, and the Redis keys of the re-applied events are right whether it commits or not.
     */
    public static SkipDuplicates withoutRedis(ReadModelRepository readModel) {
        return new SkipDuplicates(null, false, readModel);
    }

    /**
     * The pipe for a redrive: it decides from {@code read_model.applied_event} alone, and tells
     * Redis about the events it applied once their transaction has committed.
     *
     * <p>A redrive runs events that were not applied, but Redis may still hold a key for one of
     * them: a replay that did not apply an event again deletes its key only after its commit, so a
     * failed delete, or a process that died between the two, leaves the key for
     * {@code consumer.redis-ttl}. Asking Redis would take the dead-lettered event for a duplicate,
     * release its order and never apply it. A key written after the commit is true, so the keys
     * the redrive writes are as good as the consumer's.
     */
    public static SkipDuplicates decidingFromPostgres(RecentlyApplied recentlyApplied, ReadModelRepository readModel) {
        return new SkipDuplicates(Objects.requireNonNull(recentlyApplied, "recentlyApplied"), false, readModel);
    }

    @Override
    public void beforeBatch(BatchScope batch, List<ReceivedEvent> events) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (ReceivedEvent event : events) {
            event.eventIdHeader().ifPresent(ids::add);
        }
        // Applied by the batch still being written: neither Redis nor Postgres may know them yet.
        Set<UUID> appliedInFlight = new HashSet<>();
        batch.inFlight().ifPresent(inFlight -> ids.stream().filter(inFlight::isApplied).forEach(appliedInFlight::add));
        ids.removeAll(appliedInFlight);
        batch.addAppliedBefore(appliedInFlight);
        Set<UUID> seen = askRedis ? recentlyApplied.seen(ids) : Set.of();
        Set<UUID> unknownToRedis = new HashSet<>(ids);
        unknownToRedis.removeAll(seen);
        batch.addAppliedBefore(seen);
        batch.addAppliedBefore(readModel.appliedAmong(unknownToRedis));
    }

    @Override
    public Outcome handle(EventContext context, Next<EventContext> next) {
        UUID eventId = UUID.fromString(context.eventId());
        if (context.batch(BatchScope.class).isApplied(eventId)) {
            context.markDuplicate();
            return Outcome.stop(new StopReason(StopCodes.DUPLICATE, "event " + eventId + " was applied before"));
        }
        return next.handle(context);
    }

    @Override
    public void afterCommit(BatchScope batch) {
        if (recentlyApplied == null) {
            return;
        }
        recentlyApplied.remember(batch.changes().applied().stream().map(AppliedEvent::eventId).toList());
    }
}
