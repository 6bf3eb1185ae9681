package io.github.orderoutbox.consumer.redrive;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.ParkedRecord;
import io.github.orderoutbox.model.EventHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The events of a blocked order are redriven each once, in outbox-position order when every one has a position. */
class RedriveOrderTest {

    @Test
    void sendsTheDeadLetteredEventBeforeTheRecordsParkedAfterIt() {
        ReceivedEvent paid = event(10);
        List<ReceivedEvent> events = RedriveCommand.inKafkaOrder(paid, List.of(parked(12), parked(11)));

        assertThat(events).extracting(ReceivedEvent::offset).containsExactly(10L, 11L, 12L);
    }

    @Test
    void putsRecordsParkedAgainAfterACrashInPlaceAndOnce() {
        // The consumer dead-lettered offset 10, then crashed before committing: on reading the batch
        // again it parked 9 (applied before) and 10 itself, since the order was blocked by then.
        ReceivedEvent paid = event(10);
        List<ReceivedEvent> events = RedriveCommand.inKafkaOrder(paid, List.of(parked(9), parked(10), parked(11)));

        assertThat(events).extracting(ReceivedEvent::offset).containsExactly(9L, 10L, 11L);
        assertThat(events.get(1)).isSameAs(paid);
    }

    @Test
    void runsTheEventsInOutboxPositionOrderWhateverOrderKafkaDeliveredThemIn() {
        // 8 was dead-lettered because 7 had not arrived; 7 arrived after it and was parked.
        ReceivedEvent eight = event(10, 8);
        List<ReceivedEvent> events = BatchProcessor.inOutboxOrder(
                RedriveCommand.inKafkaOrder(eight, List.of(parked(event(11, 7)), parked(event(12, 9)))));

        assertThat(events).extracting(ReceivedEvent::offset).containsExactly(11L, 10L, 12L);
    }

    @Test
    void keepsKafkaOrderWhenAnEventHasNoPosition() {
        List<ReceivedEvent> events = BatchProcessor.inOutboxOrder(
                RedriveCommand.inKafkaOrder(event(10), List.of(parked(event(11, 7)))));

        assertThat(events).extracting(ReceivedEvent::offset).containsExactly(10L, 11L);
    }

    private static ReceivedEvent event(long offset) {
        return new ReceivedEvent("orders.events", 1, offset, Instant.EPOCH, "o-1", Map.of(), new byte[0]);
    }

    private static ReceivedEvent event(long offset, long position) {
        return new ReceivedEvent("orders.events", 1, offset, Instant.EPOCH, "o-1",
                Map.of(EventHeaders.POSITION, Long.toString(position)), new byte[0]);
    }

    private static ParkedRecord parked(long offset) {
        return parked(event(offset));
    }

    private static ParkedRecord parked(ReceivedEvent event) {
        return new ParkedRecord(event, "o-1", "blocked");
    }
}
