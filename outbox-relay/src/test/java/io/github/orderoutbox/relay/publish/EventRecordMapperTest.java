package io.github.orderoutbox.relay.publish;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.relay.outbox.OutboxRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class EventRecordMapperTest {

    private static final UUID EVENT_ID = UUID.fromString("0b6f5f3e-8a2c-4a57-9d3e-1f2a3b4c5d6e");
    private static final Instant CREATED = Instant.parse("2026-11-28T08:15:30.123456Z");

    private final EventRecordMapper mapper = new EventRecordMapper("/orders-service");

    private static OutboxRow row(String headersJson, String payload) {
        return new OutboxRow(42L, EVENT_ID, "order", "order-7", "OrderPaid", 2, payload, headersJson, CREATED, 17, 0);
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), UTF_8));
        }
        return headers;
    }

    @Test
    void mapsARowToTheCloudEventsBinaryBindingKeyedByOrder() throws Exception {
        var record = mapper.toRecord(row(null, "{\"amount\":\"12.50\"}"), "orders.events", 1_000_000);

        assertThat(record.topic()).isEqualTo("orders.events");
        assertThat(new String(record.key(), UTF_8)).isEqualTo("order-7");
        assertThat(new String(record.value(), UTF_8)).isEqualTo("{\"amount\":\"12.50\"}");
        assertThat(record.timestamp()).isEqualTo(CREATED.toEpochMilli());
        assertThat(headers(record)).containsExactly(
                Map.entry("ce_specversion", "1.0"),
                Map.entry("ce_id", EVENT_ID.toString()),
                Map.entry("ce_type", "OrderPaid"),
                Map.entry("ce_source", "/orders-service"),
                Map.entry("ce_subject", "order-7"),
                Map.entry("ce_time", "2026-11-28T08:15:30.123456Z"),
                Map.entry("content-type", "application/json"),
                Map.entry("ce_eventversion", "2"),
                Map.entry("ce_outboxposition", "42"),
                Map.entry("ce_aggregatetype", "order"));
    }

    @Test
    void addsTheRowsOwnHeadersAfterTheCloudEventsOnes() throws Exception {
        var record = mapper.toRecord(row("{\"traceparent\": \"00-abc-def-01\", \"retries\": 3, \"empty\": null}", "{}"),
                "orders.events", 1_000_000);

        Map<String, String> headers = headers(record);
        assertThat(headers).containsEntry("traceparent", "00-abc-def-01").containsEntry("retries", "3").containsEntry("empty", null);
        assertThat(headers.keySet()).endsWith("traceparent", "retries", "empty");
    }

    @Test
    void passesAHeaderThatIsNotAStringOnAsItsJsonText() throws Exception {
        var record = mapper.toRecord(row("{\"tags\": [\"a\", {\"b\": true}], \"ok\": false, \"after\": \"x\"}", "{}"),
                "orders.events", 1_000_000);

        assertThat(headers(record)).containsEntry("tags", "[\"a\",{\"b\":true}]").containsEntry("ok", "false")
                .containsEntry("after", "x");
    }

    @Test
    void refusesHeadersThatAreNotValidJson() {
        assertThatThrownBy(() -> mapper.toRecord(row("{\"traceparent\": ", "{}"), "orders.events", 1_000_000))
                .isInstanceOf(UnpublishableRowException.class)
                .hasMessageStartingWith("headers are not valid JSON");
    }

    @Test
    void refusesARowHeaderThatWouldOverrideACloudEventsAttribute() {
        assertThatThrownBy(() -> mapper.toRecord(row("{\"ce_id\": \"forged\"}", "{}"), "orders.events", 1_000_000))
                .isInstanceOf(UnpublishableRowException.class)
                .hasMessageContaining("ce_id");
    }

    @Test
    void refusesARecordLargerThanTheTopicAccepts() {
        String payload = "{\"blob\":\"" + "x".repeat(5_000) + "\"}";
        assertThatThrownBy(() -> mapper.toRecord(row(null, payload), "orders.events", 4_096))
                .isInstanceOf(UnpublishableRowException.class)
                .hasMessageContaining("exceeds the 4096 bytes topic orders.events accepts");
    }

    @Test
    void timesARowCreatedBefore1970OrInTheFutureBySendingNotByCreatedAt() throws Exception {
        for (Instant createdAt : List.of(Instant.parse("1960-01-01T00:00:00Z"), Instant.parse("2126-01-01T00:00:00Z"))) {
            OutboxRow row = new OutboxRow(42L, EVENT_ID, "order", "order-7", "OrderPaid", 2, "{}", null, createdAt, 17, 0);
            long before = System.currentTimeMillis();

            ProducerRecord<byte[], byte[]> record = mapper.toRecord(row, "orders.events", 1_000_000);

            assertThat(record.timestamp()).as(createdAt.toString()).isBetween(before, System.currentTimeMillis());
            assertThat(new String(record.headers().lastHeader("ce_time").value(), UTF_8)).isEqualTo(createdAt.toString());
        }
    }
}
