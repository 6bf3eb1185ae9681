package io.github.orderoutbox.consumer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The consumer's context: the received event cannot change, the slots are filled by pipes. */
class EventContextTest {

    private static ReceivedEvent event(byte[] value, Map<String, String> headers) {
        return new ReceivedEvent("orders.events", 3, 42L, Instant.parse("2026-01-02T03:04:05Z"), "order-1", headers, value);
    }

    @Test
    void receivedEventCannotBeChangedThroughWhatItWasBuiltFromOrWhatItGives() {
        byte[] value = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>(Map.of("ce_type", "OrderPlaced"));
        ReceivedEvent event = event(value, headers);

        value[0] = 'X';
        headers.put("ce_id", "e-1");
        event.value()[1] = 'Y';

        assertThat(new String(event.value(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(event.headers()).containsOnlyKeys("ce_type");
        assertThat(event.header("ce_type")).contains("OrderPlaced");
        assertThatThrownBy(() -> event.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void readingASlotNoPipeFilledNamesTheSlot() {
        EventContext context = EventContext.firstAttempt(event(new byte[0], Map.of()));

        assertThatThrownBy(context::eventType).isInstanceOf(IllegalStateException.class).hasMessageContaining("eventType");
        assertThatThrownBy(context::eventVersion).hasMessageContaining("eventVersion");
        assertThatThrownBy(() -> context.payload(Object.class)).hasMessageContaining("payload");
        assertThat(context.eventIdIfKnown()).isEmpty();
        assertThat(context.enrichment(Object.class)).isEmpty();
    }

    @Test
    void slotsHoldWhatEarlierPipesFilled() {
        EventContext context = EventContext.firstAttempt(event(new byte[0], Map.of()));

        context.setEventId("e-1");
        context.setEventType("OrderPlaced");
        context.setEventVersion(2);
        context.setPayload(Map.of("order_id", "o-1"));
        context.markDuplicate();

        assertThat(context.eventId()).isEqualTo("e-1");
        assertThat(context.eventType()).isEqualTo("OrderPlaced");
        assertThat(context.eventVersion()).isEqualTo(2);
        assertThat(context.payload(Map.class)).containsEntry("order_id", "o-1");
        assertThat(context.isDuplicate()).isTrue();
        assertThatThrownBy(() -> context.payload(String.class)).isInstanceOf(ClassCastException.class);
    }

    @Test
    void nextAttemptKeepsTheEventAndStartsWithEmptySlots() {
        EventContext first = EventContext.firstAttempt(event(new byte[] {1}, Map.of()));
        first.setEventId("e-1");
        first.markDuplicate();

        EventContext second = first.nextAttempt();

        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.event()).isEqualTo(first.event());
        assertThat(second.eventIdIfKnown()).isEmpty();
        assertThat(second.isDuplicate()).isFalse();
    }
}
