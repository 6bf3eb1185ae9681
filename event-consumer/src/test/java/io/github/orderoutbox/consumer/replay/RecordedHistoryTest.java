package io.github.orderoutbox.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.consumer.replay.RecordedHistory.Match;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecordedHistoryTest {

    private static final String TOPIC = "orders.events";

    private final UUID placed = UUID.randomUUID();
    private final UUID paid = UUID.randomUUID();
    private final UUID shipped = UUID.randomUUID();
    private final UUID otherPlaced = UUID.randomUUID();

    // o-1 applied from partition 2 at 10, 15, 40; o-2 from partition 0 at 7.
    private final RecordedHistory history = new RecordedHistory(List.of(
            recorded(shipped, "o-1", "OrderShipped", 2, 40),
            recorded(placed, "o-1", "OrderPlaced", 2, 10),
            recorded(paid, "o-1", "OrderPaid", 2, 15),
            recorded(otherPlaced, "o-2", "OrderPlaced", 0, 7)));

    @Test
    void readsEachPartitionFromItsFirstToItsLastRecordedOffset() {
        assertThat(history.firstOffsets()).containsExactly(java.util.Map.entry(0, 7L), java.util.Map.entry(2, 10L));
        assertThat(history.lastOffsets()).containsExactly(java.util.Map.entry(0, 7L), java.util.Map.entry(2, 40L));
        assertThat(history.size()).isEqualTo(4);
    }

    @Test
    void feedsTheRecordedEventsInTheOrderTheyWereApplied() {
        assertThat(history.match(2, placed)).isEqualTo(Match.FEED);
        assertThat(history.match(2, UUID.randomUUID())).isEqualTo(Match.OTHER);
        assertThat(history.match(2, null)).isEqualTo(Match.OTHER);
        assertThat(history.match(2, paid)).isEqualTo(Match.FEED);
        assertThat(history.pending(2)).isEqualTo(1);
        assertThat(history.match(2, shipped)).isEqualTo(Match.FEED);
        assertThat(history.pending(2)).isZero();
        assertThat(history.notFed(2)).isEmpty();
        assertThat(history.notFed(0)).extracting(RecordedEvent::eventId).containsExactly(otherPlaced);
    }

    @Test
    void leavesALaterCopyOfAnEventAlreadyFed() {
        history.match(2, placed);
        history.match(2, paid);

        assertThat(history.match(2, placed)).isEqualTo(Match.AGAIN);
        assertThat(history.pending(2)).isEqualTo(1);
    }

    @Test
    void leavesARecordedEventReadFromAnotherPartition() {
        assertThat(history.match(1, placed)).isEqualTo(Match.OTHER);
        assertThat(history.pending(2)).isEqualTo(3);
    }

    @Test
    void holdsAnEventThatTurnsUpBeforeAnEarlierOneOfItsOrderUntilThatOneIsFed() {
        // A redrive applied o-3's payment (position 20, republished at offset 50) before its
        // shipment (position 21, offset 45): pass 2 meets the shipment first.
        UUID placed3 = UUID.randomUUID();
        UUID paid3 = UUID.randomUUID();
        UUID shipped3 = UUID.randomUUID();
        RecordedHistory redriven = new RecordedHistory(List.of(
                new RecordedEvent(placed3, "o-3", "OrderPlaced", 19, TOPIC, 1, 40),
                new RecordedEvent(shipped3, "o-3", "OrderShipped", 21, TOPIC, 1, 45),
                new RecordedEvent(paid3, "o-3", "OrderPaid", 20, TOPIC, 1, 50)));

        assertThat(redriven.match(1, placed3)).isEqualTo(Match.FEED);
        assertThat(redriven.takeHeld(placed3)).isEmpty();
        assertThat(redriven.match(1, shipped3)).isEqualTo(Match.HOLD);
        assertThat(redriven.match(1, shipped3)).as("a later copy of a held event").isEqualTo(Match.AGAIN);
        assertThat(redriven.pending(1)).isEqualTo(2);
        assertThat(redriven.match(1, paid3)).isEqualTo(Match.FEED);
        assertThat(redriven.takeHeld(paid3)).contains(shipped3);
        assertThat(redriven.takeHeld(shipped3)).isEmpty();
        assertThat(redriven.pending(1)).isZero();
        assertThat(redriven.notFed(1)).isEmpty();
    }

    @Test
    void reportsAsNotFedAnEventHeldForAnEarlierOneThatNeverTurnedUp() {
        history.match(2, placed);

        assertThat(history.match(2, shipped)).isEqualTo(Match.HOLD);
        assertThat(history.notFed(2)).extracting(RecordedEvent::eventId).containsExactly(paid, shipped);
    }

    static RecordedEvent recorded(UUID id, String orderId, String type, int partition, long offset) {
        return new RecordedEvent(id, orderId, type, offset, TOPIC, partition, offset); // applied in offset order
    }
}
