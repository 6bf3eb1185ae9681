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
 * in what the batch found, and in the events applied earlier in the same batch. After the batch's
 * transaction commits it tells Redis about the newly applied events.
 *
 * <p>This pipe saves work; it is not what makes a duplicate harmless. The applied-event record,
 * written in the read-model transaction, and the version guard of {@code SyncReadModel} are.
 */
public final class SkipDuplicates implements Pipe<EventContext>, BatchAware {

    private final RecentlyApplied recentlyApplied;
    private final ReadModelRepository readModel;

    public SkipDuplicates(RecentlyApplied recentlyApplied, ReadModelRepository readModel) {
        this.recentlyApplied = Objects.requireNonNull(recentlyApplied, "recentlyApplied");
        this.readModel = Objects.requireNonNull(readModel, "readModel");
    }

    @Override
    public void beforeBatch(BatchScope batch, List<ReceivedEvent> events) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (ReceivedEvent event : events) {
            event.eventIdHeader().ifPresent(ids::add);
        }
        Set<UUID> seen = recentlyApplied.seen(ids);
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
        recentlyApplied.remember(batch.changes().applied().stream().map(AppliedEvent::eventId).toList());
    }
}
