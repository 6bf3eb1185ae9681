package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.batch.BatchAware;
import io.github.orderoutbox.consumer.batch.BatchScope;
import io.github.orderoutbox.consumer.batch.StopCodes;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.pipeline.StopReason;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The deduplicating pipe of a replay, in the place of {@code SkipDuplicates}: it stops an event
 * recorded as applied, asking {@code read_model.applied_event} alone, never Redis.
 *
 * <p>Redis cannot be asked: it remembers every event the replay feeds again (they were all applied
 * before), so {@code SkipDuplicates} would stop the whole replay (the trap "replay fights
 * dedup"). Deleting those keys first would work for a real replay, but a dry run would then
 * change Redis although it promises to change nothing, and a replay that fails half-way would
 * leave the keys gone. Postgres answers correctly inside the replay's transaction: the replay
 * deleted the records of exactly the events it feeds again, so these are "not applied" until
 * the replay applies them, and an event recorded in any other way is still skipped.
 *
 * <p>Nothing is written to Redis after a batch either: a batch here ends at a savepoint of the
 * replay's one transaction, not at a commit, and the keys of the re-applied events are right as
 * they are, whether the replay commits or rolls back.
 */
final class SkipDuplicatesWithoutRedis implements Pipe<EventContext>, BatchAware {

    private final ReadModelRepository readModel;

    SkipDuplicatesWithoutRedis(ReadModelRepository readModel) {
        this.readModel = Objects.requireNonNull(readModel, "readModel");
    }

    @Override
    public void beforeBatch(BatchScope batch, List<ReceivedEvent> events) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (ReceivedEvent event : events) {
            event.eventIdHeader().ifPresent(ids::add);
        }
        batch.addAppliedBefore(readModel.appliedAmong(ids));
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
}
