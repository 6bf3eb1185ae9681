package io.github.orderoutbox.relay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a consumer finds on Kafka for one outbox row: the CloudEvents Kafka binding in binary mode,
 * on the topic its aggregate type maps to, which the relay created when it was missing.
 */
class CloudEventsRecordIT {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final int PARTITIONS = 3;
    /** RFC 3339 date-time: fraction optional, offset Z or +hh:mm. */
    private static final String RFC_3339 = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";

    private static final String INSERT_EVENT = """
            INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb)
            RETURNING id
            """;

    private RelayFixture fixture;
    private String invoiceTopic;

    @BeforeEach
    void setUp() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        invoiceTopic = fixture.topic.replace("orders.events", "invoices.events");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void publishesARowAsACloudEventKeyedByOrderWithItsOwnHeaders() {
        UUID eventId = UUID.randomUUID();
        long id = insert(eventId, "order", "order-ce-1", "OrderPlaced", 2,
                "{\"orderId\": \"order-ce-1\", \"total\": {\"amount\": \"12.50\", \"currency\": \"EUR\"}, \"lines\": [1, 2]}",
                "{\"traceparent\": \"" + TRACEPARENT + "\"}");
        Map<String, Object> row = fixture.jdbc.queryForMap(
                "SELECT payload::text AS payload, created_at FROM outbox WHERE id = ?", id);
        Instant createdAt = ((java.sql.Timestamp) row.get("created_at")).toInstant();

        fixture.startRelay(Map.of("relay.topic-partitions", Integer.toString(PARTITIONS)));

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(
                fixture.kafka.bootstrapServers(), fixture.topic, 1, Duration.ofSeconds(30)).records();
        assertThat(records).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = records.get(0);

        assertThat(new String(record.key(), UTF_8)).isEqualTo("order-ce-1");
        assertThat(new String(record.value(), UTF_8)).isEqualTo(row.get("payload"));
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(record.value())).isEqualTo(json.readTree(
                "{\"orderId\": \"order-ce-1\", \"total\": {\"amount\": \"12.50\", \"currency\": \"EUR\"}, \"lines\": [1, 2]}"));
        assertThat(record.timestamp()).isEqualTo(createdAt.toEpochMilli());

        Map<String, String> headers = headers(record);
        assertThat(headers).containsOnlyKeys("ce_specversion", "ce_id", "ce_type", "ce_source", "ce_subject", "ce_time",
                "content-type", "ce_eventversion", "ce_outboxposition", "ce_aggregatetype", "traceparent");
        assertThat(headers).containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_id", eventId.toString())
                .containsEntry("ce_type", "OrderPlaced")
                .containsEntry("ce_source", "/orders-service")
                .containsEntry("ce_subject", "order-ce-1")
                .containsEntry("content-type", "application/json")
                .containsEntry("ce_eventversion", "2")
                .containsEntry("ce_outboxposition", Long.toString(id))
                .containsEntry("ce_aggregatetype", "order")
                .containsEntry("traceparent", TRACEPARENT);
        String time = headers.get("ce_time");
        assertThat(time).matches(RFC_3339);
        assertThat(OffsetDateTime.parse(time, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant())
                .as("ce_time is created_at to the microsecond").isEqualTo(createdAt);
    }

    @Test
    void createsMissingTopicsWithTheConfiguredPartitionsAndRoutesEachAggregateTypeToItsTopic() throws Exception {
        insert(UUID.randomUUID(), "order", "order-ce-2", "OrderPlaced", 1, "{\"orderId\": \"order-ce-2\"}", null);
        UUID invoiceEvent = UUID.randomUUID();
        insert(invoiceEvent, "invoice", "invoice-ce-1", "InvoiceIssued", 1, "{\"invoiceId\": \"invoice-ce-1\"}", null);

        fixture.startRelay(Map.of(
                "relay.topic-partitions", Integer.toString(PARTITIONS),
                "relay.topics.invoice", invoiceTopic));

        var invoices = TopicReader.readAll(fixture.kafka.bootstrapServers(), invoiceTopic, 1, Duration.ofSeconds(30)).records();
        assertThat(invoices).hasSize(1);
        assertThat(new String(invoices.get(0).key(), UTF_8)).isEqualTo("invoice-ce-1");
        assertThat(headers(invoices.get(0))).containsEntry("ce_id", invoiceEvent.toString())
                .containsEntry("ce_aggregatetype", "invoice")
                .containsEntry("ce_type", "InvoiceIssued");

        var orders = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, 1, Duration.ofSeconds(30)).records();
        assertThat(orders).extracting(r -> new String(r.key(), UTF_8)).containsExactly("order-ce-2");

        try (Admin admin = Admin.create(Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.kafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(fixture.topic, invoiceTopic))
                    .allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(topics.get(fixture.topic).partitions()).hasSize(PARTITIONS);
            assertThat(topics.get(invoiceTopic).partitions()).hasSize(PARTITIONS);
        }
    }

    private long insert(UUID eventId, String aggregateType, String aggregateId, String eventType, int version,
                        String payload, String headersJson) {
        Long id = fixture.jdbc.queryForObject(INSERT_EVENT, Long.class,
                eventId, aggregateType, aggregateId, eventType, version, payload, headersJson);
        return id;
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null : new String(header.value(), UTF_8));
        }
        return headers;
    }
}
