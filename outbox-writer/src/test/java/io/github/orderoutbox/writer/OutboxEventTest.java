package io.github.orderoutbox.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxEventTest {

    @Test
    void ofMakesAVersionOneOrderEventWithARandomId() {
        OutboxEvent first = OutboxEvent.of("o-1", "OrderPlaced", "{}");
        OutboxEvent second = OutboxEvent.of("o-1", "OrderPlaced", "{}");

        assertThat(first.aggregateType()).isEqualTo("order");
        assertThat(first.eventVersion()).isEqualTo(1);
        assertThat(first.headers()).isEmpty();
        assertThat(first.eventId()).isNotNull().isNotEqualTo(second.eventId());
    }

    @Test
    void withersReturnChangedCopies() {
        UUID id = UUID.randomUUID();
        OutboxEvent event = OutboxEvent.of("o-1", "OrderPaid", 2, "{}");

        OutboxEvent changed = event.withEventId(id).withAggregateType("customer").withHeader("traceparent", "t");

        assertThat(changed).isEqualTo(new OutboxEvent(id, "customer", "o-1", "OrderPaid", 2, "{}",
                Map.of("traceparent", "t")));
        assertThat(event.headers()).isEmpty();
    }

    @Test
    void keepsNoReferenceToTheCallersHeaderMap() {
        Map<String, String> headers = new HashMap<>(Map.of("a", "1"));
        OutboxEvent event = OutboxEvent.of("o-1", "OrderPlaced", "{}").withHeaders(headers);

        headers.put("b", "2");

        assertThat(event.headers()).containsOnlyKeys("a");
        assertThatThrownBy(() -> event.headers().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void treatsNullHeadersAsNone() {
        assertThat(new OutboxEvent(UUID.randomUUID(), "order", "o-1", "OrderPlaced", 1, "{}", null).headers())
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void rejectsBlankText(String blank) {
        assertThatThrownBy(() -> OutboxEvent.of(blank, "OrderPlaced", "{}")).hasMessage("aggregateId must not be blank");
        assertThatThrownBy(() -> OutboxEvent.of("o-1", blank, "{}")).hasMessage("eventType must not be blank");
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", blank)).hasMessage("payloadJson must not be blank");
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", "{}").withAggregateType(blank))
                .hasMessage("aggregateType must not be blank");
    }

    @Test
    void rejectsMissingIdAndVersionBelowOne() {
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", "{}").withEventId(null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", 0, "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eventVersion");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "CE_TYPE", "ce_anything", "content-type", "Content-Type"})
    void rejectsHeadersTheRelayWritesItself(String name) {
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", "{}").withHeader(name, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved");
    }

    @Test
    void rejectsBlankHeaderNamesAndNullValues() {
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", "{}").withHeader(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboxEvent.of("o-1", "OrderPlaced", "{}").withHeader("traceparent", null))
                .isInstanceOf(NullPointerException.class);
    }
}
