package io.github.orderoutbox.writer;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class JacksonPayloadsTest {

    record OrderPaid(String orderId, BigDecimal amount) {
    }

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final JacksonPayloads payloads = new JacksonPayloads(mapper);

    @Test
    void writesThePayloadObjectAsJson() {
        OutboxEvent event = payloads.event("o-42", "OrderPaid", 2, new OrderPaid("o-42", new BigDecimal("12.50")));

        assertThat(mapper.readTree(event.payloadJson()))
                .isEqualTo(mapper.readTree("{\"orderId\":\"o-42\",\"amount\":12.50}"));
        assertThat(event.aggregateId()).isEqualTo("o-42");
        assertThat(event.eventType()).isEqualTo("OrderPaid");
        assertThat(event.eventVersion()).isEqualTo(2);
        assertThat(event.aggregateType()).isEqualTo("order");
    }
}
