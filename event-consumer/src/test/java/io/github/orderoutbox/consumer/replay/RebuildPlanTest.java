package io.github.orderoutbox.consumer.replay;

import static io.github.orderoutbox.consumer.replay.RecordedHistoryTest.recorded;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.consumer.replay.RebuildPlan.LeftOut;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RebuildPlanTest {

    @Test
    void rebuildsOrdersWhoseWholeRecordedHistoryCanBeReadAgain() {
        RecordedEvent placed = recorded(UUID.randomUUID(), "o-1", "OrderPlaced", 0, 3);
        RecordedEvent paid = recorded(UUID.randomUUID(), "o-1", "OrderPaid", 0, 9);

        RebuildPlan plan = RebuildPlan.of(List.of("o-1"), Set.of(), Set.of("o-1"), List.of(placed, paid),
                "orders.events", Map.of(0, 0L));

        assertThat(plan.rebuild()).containsExactly("o-1");
        assertThat(plan.leftOut()).isEmpty();
        assertThat(plan.history().eventIds()).containsExactlyInAnyOrder(placed.eventId(), paid.eventId());
    }

    @Test
    void leavesOutWhatCannotBeRebuiltAndSaysWhy() {
        List<RecordedEvent> recorded = List.of(
                recorded(UUID.randomUUID(), "pruned", "OrderPaid", 0, 5),
                new RecordedEvent(UUID.randomUUID(), "elsewhere", "OrderPlaced", 1, "orders.events.dlq", 0, 1),
                recorded(UUID.randomUUID(), "split", "OrderPlaced", 0, 4),
                recorded(UUID.randomUUID(), "split", "OrderPaid", 1, 4),
                recorded(UUID.randomUUID(), "expired", "OrderPlaced", 1, 2),
                recorded(UUID.randomUUID(), "expired", "OrderPaid", 1, 30),
                recorded(UUID.randomUUID(), "fine", "OrderPlaced", 1, 20));
        List<String> touched = List.of("blocked", "pruned", "elsewhere", "split", "expired", "fine", "never-applied");

        RebuildPlan plan = RebuildPlan.of(touched, Set.of("blocked"),
                Set.of("blocked", "pruned", "elsewhere", "split", "expired", "fine"), recorded, "orders.events",
                Map.of(0, 0L, 1, 10L));

        assertThat(plan.rebuild()).containsExactly("fine");
        assertThat(plan.leftOut()).containsExactly(
                Map.entry(LeftOut.BLOCKED, new TreeSet<>(Set.of("blocked"))),
                Map.entry(LeftOut.HISTORY_NOT_RECORDED, new TreeSet<>(Set.of("pruned"))),
                Map.entry(LeftOut.OTHER_TOPIC, new TreeSet<>(Set.of("elsewhere"))),
                Map.entry(LeftOut.SEVERAL_PARTITIONS, new TreeSet<>(Set.of("split"))),
                Map.entry(LeftOut.NO_LONGER_IN_TOPIC, new TreeSet<>(Set.of("expired"))));
        assertThat(plan.nothingApplied()).isEqualTo(1);
        assertThat(plan.history().size()).isEqualTo(1);
    }

    @Test
    void leavesOutAStoredOrderWithoutRecordedEvents() {
        RebuildPlan plan = RebuildPlan.of(List.of("o-1"), Set.of(), Set.of("o-1"), List.of(), "orders.events",
                Map.of());

        assertThat(plan.rebuild()).isEmpty();
        assertThat(plan.leftOut()).containsOnlyKeys(LeftOut.HISTORY_NOT_RECORDED);
    }
}
