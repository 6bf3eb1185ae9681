package io.github.orderoutbox.consumer.pipes;

import io.github.orderoutbox.consumer.batch.BatchAware;
import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.batch.BatchScope;
import io.github.orderoutbox.consumer.batch.StopCodes;
import io.github.orderoutbox.consumer.dedup.RecentlyApplied;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.pipeline.StopReason;
import io.github.orderoutbox.consumer.readmodel.EventIdReusedException;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * The third pipe: stops an event that was applied before, by its {@code event_id} and its outbox
 * position, and dead-letters a second event under an id that was applied at another position.
 *
 * <p>Before a batch it asks Redis about all the batch's event ids at once ({@link RecentlyApplied},
 * the fast filter) and asks Postgres ({@code read_model.applied_event}, the durable record) about
 * the ones Redis did not know, and about those whose key holds another position than the event's:
 * one {@code MGET} and one query per batch, as before. Per event it then only looks the id up in
 * what the batch found, and in the events applied earlier in the same batch or by the batch before
 * it, which may still be being written. After the batch's transaction commits it tells Redis about
 * the newly applied events, each with its position.
 *
 * <p><b>Redelivery or reuse.</b> A redelivery (a consumer re-reading after a crash, a relay's
 * republish) carries the id <em>and</em> the position ({@code ce_outboxposition}) of the applied
 * event: skipped silently. An event under an applied id at another position is a second event
 * (the outbox accepts an id again once its first row was published): skipping it would lose its
 * effect without a trace, so it is an {@link EventIdReusedException}, dead-lettered, its order
 * blocked. Example: id {@code e-1} applied at position 7; {@code e-1} at 7 again is skipped,
 * {@code e-1} at 12 is dead-lettered with both positions. A Redis key holding another position
 * than the event's is never trusted alone: Postgres decides, so a key written before keys held
 * positions (its value {@code 1}), or one a replay left behind, cannot dead-letter a redelivery.
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
        // The positions each id arrives at in this batch: usually one, two under a reused id.
        Map<UUID, Set<Long>> arriving = new LinkedHashMap<>();
        for (ReceivedEvent event : events) {
            event.eventIdHeader().ifPresent(id -> arriving.computeIfAbsent(id, unused -> new HashSet<>())
                    .add(BatchProcessor.position(event).orElse(-1)));
        }
        Set<UUID> ids = new LinkedHashSet<>(arriving.keySet());
        // Applied by the batch still being written: neither Redis nor Postgres may know them yet.
        Map<UUID, Long> appliedInFlight = new HashMap<>();
        batch.inFlight().ifPresent(inFlight -> ids.forEach(id ->
                inFlight.appliedPosition(id).ifPresent(position -> appliedInFlight.put(id, position))));
        ids.removeAll(appliedInFlight.keySet());
        batch.addAppliedBefore(appliedInFlight);
        Map<UUID, Long> seen = askRedis ? recentlyApplied.seen(ids) : Map.of();
        Map<UUID, Long> confirmed = new HashMap<>();
        seen.forEach((id, position) -> {
            if (arriving.get(id).equals(Set.of(position))) {
                confirmed.put(id, position); // every record of the id is at the applied position
            }
        });
        batch.addAppliedBefore(confirmed);
        Set<UUID> toAskPostgres = new HashSet<>(ids);
        toAskPostgres.removeAll(confirmed.keySet());
        batch.addAppliedBefore(readModel.appliedPositionsAmong(toAskPostgres));
    }

    @Override
    public Outcome handle(EventContext context, Next<EventContext> next) {
        UUID eventId = UUID.fromString(context.eventId());
        OptionalLong applied = context.batch(BatchScope.class).appliedPosition(eventId);
        if (applied.isEmpty()) {
            return next.handle(context);
        }
        OptionalLong position = BatchProcessor.position(context.event());
        if (position.isPresent() && position.getAsLong() == applied.getAsLong()) {
            context.markDuplicate();
            return Outcome.stop(new StopReason(StopCodes.DUPLICATE,
                    "event " + eventId + " at position " + applied.getAsLong() + " was applied before"));
        }
        if (position.isEmpty()) {
            // Every applied event had a position (the version guard needs it): this is not it.
            throw new InvalidEventException("event " + eventId, List.of(new Violation(EventHeaders.POSITION,
                    "header " + EventHeaders.POSITION + " is missing, and an event with this id was applied at position "
                            + applied.getAsLong())));
        }
        String orderId = context.payload(OrderEvent.class).orderId();
        throw new EventIdReusedException(orderId, eventId, context.eventType(), position.getAsLong(), applied.getAsLong());
    }

    @Override
    public void afterCommit(BatchScope batch) {
        if (recentlyApplied == null) {
            return;
        }
        Map<UUID, Long> positions = new LinkedHashMap<>();
        batch.changes().applied().forEach(event -> positions.put(event.eventId(), event.position()));
        recentlyApplied.remember(positions);
    }
}
