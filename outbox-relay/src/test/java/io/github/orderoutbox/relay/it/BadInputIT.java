package io.github.orderoutbox.relay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.testsupport.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay's rows of the bad-input catalogue (docs/reliability.md): outbox rows a writer could
 * insert. The relay does not judge payloads (the consumer does, against the schemas), so most of
 * them are published as written, in their order's place; a row that cannot become a record is
 * parked with its error, its order's later rows wait behind it, and every other order flows on.
 * Each row travels between an earlier and a later event of its order, beside another order's
 * events, so each case proves that nothing around it was lost. One relay serves every row, on a
 * database and topic of this class.
 */
class BadInputIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static RelayFixture fixture;
    private static ConfigurableApplicationContext relay;

    @BeforeAll
    static void startRelay() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        relay = fixture.startRelay(Map.of(
                "relay.admin.password", "operator-secret",
                "relay.max-attempts", "2",
                "relay.retry-backoff-min", "100ms",
                "relay.retry-backoff-max", "200ms",
                "relay.producer.max.request.size", "65536"));
    }

    @AfterAll
    static void stopRelay() {
        if (fixture != null) {
            fixture.close();
        }
    }

    /** The bad row: its columns as a writer would insert them, {@code %s} standing for the order id. */
    private record Row(String aggregateType, String eventType, int version, String payload, String headers,
                       String createdAt) {

        static Row of(String eventType, int version, String payload) {
            return new Row("order", eventType, version, payload, null, null);
        }

        Row withHeaders(String json) {
            return new Row(aggregateType, eventType, version, payload, json, createdAt);
        }

        Row createdAt(String timestamp) {
            return new Row(aggregateType, eventType, version, payload, headers, timestamp);
        }

        Row aggregateType(String type) {
            return new Row(type, eventType, version, payload, headers, createdAt);
        }

        @Override
        public String toString() {
            return eventType + " v" + version;
        }
    }

    static Stream<Arguments> publishedAsWritten() {
        return Stream.of(
                Arguments.of("unknown-event-type", Row.of("OrderTeleported", 1, "{\"order_id\": \"%s\"}")),
                Arguments.of("version-newer-than-known", Row.of("OrderPaid", 99, "{\"order_id\": \"%s\", \"future\": true}")),
                Arguments.of("payload-fails-its-schema", Row.of("OrderPaid", 1, "{\"order_id\": \"%s\", \"amount\": 12.5}")),
                Arguments.of("payload-order-id-differs-from-aggregate-id",
                        Row.of("OrderPaid", 1, "{\"order_id\": \"someone-else\"}")),
                Arguments.of("sql-and-html-injection-o'); DROP TABLE outbox; --<script>alert(1)</script>",
                        Row.of("OrderShipped", 1, "{\"order_id\": \"%s\", \"carrier\": \"'; DELETE FROM outbox; --\","
                                + " \"tracking_number\": \"<img src=x onerror=alert(1)>\"}")
                                .withHeaders("{\"x-note\": \"<b>'; TRUNCATE outbox; --</b>\"}")),
                Arguments.of("header-values-that-are-not-strings", Row.of("OrderPaid", 1, "{\"order_id\": \"%s\"}")
                        .withHeaders("{\"x-number\": 5, \"x-object\": {\"a\": [1, 2]}, \"x-null\": null}")),
                Arguments.of("created-at-far-in-the-future", Row.of("OrderPaid", 1, "{\"order_id\": \"%s\"}")
                        .createdAt("2126-01-01T00:00:00Z")),
                Arguments.of("created-at-before-1970", Row.of("OrderPaid", 1, "{\"order_id\": \"%s\"}")
                        .createdAt("1960-01-01T00:00:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishedAsWritten")
    void publishesTheRowAsWrittenInItsOrdersPlace(String name, Row row) throws Exception {
        String orderId = "o-" + name;
        String neighbour = "n-" + name;
        long first = insert(orderId, Row.of("OrderPlaced", 2, "{\"order_id\": \"%s\", \"seq\": 1}"));
        long neighbourFirst = insert(neighbour, Row.of("OrderPlaced", 2, "{\"order_id\": \"%s\", \"seq\": 1}"));
        long bad = insert(orderId, row);
        long neighbourSecond = insert(neighbour, Row.of("OrderPaid", 1, "{\"order_id\": \"%s\", \"seq\": 2}"));
        long last = insert(orderId, Row.of("OrderCancelled", 1, "{\"order_id\": \"%s\", \"seq\": 3}"));

        await().atMost(Duration.ofSeconds(30)).until(() -> published(first, neighbourFirst, bad, neighbourSecond, last));

        List<ConsumerRecord<byte[], byte[]>> ofOrder = recordsOf(orderId, 3);
        assertThat(ofOrder).extracting(r -> header(r, EventHeaders.POSITION))
                .containsExactly(Long.toString(first), Long.toString(bad), Long.toString(last));
        ConsumerRecord<byte[], byte[]> record = ofOrder.get(1);
        assertThat(new String(record.key(), UTF_8)).isEqualTo(orderId);
        assertThat(header(record, EventHeaders.SUBJECT)).isEqualTo(orderId);
        assertThat(header(record, EventHeaders.TYPE)).isEqualTo(row.eventType());
        assertThat(header(record, EventHeaders.EVENT_VERSION)).isEqualTo(Integer.toString(row.version()));
        // jsonb keeps the document, not its spacing or key order: compared as JSON.
        assertThat(JSON.readTree(record.value())).isEqualTo(JSON.readTree(row.payload().formatted(orderId)));
        if (row.headers() != null) {
            JSON.readTree(row.headers()).properties().forEach(header -> {
                JsonNode value = header.getValue();
                String expected = value.isNull() ? null : value.isString() ? value.stringValue() : value.toString();
                assertThat(header(record, header.getKey())).as(header.getKey()).isEqualTo(expected);
            });
        }
        if (row.createdAt() != null) {
            // ce_time as written; the record's own timestamp is the relay's clock, which Kafka accepts.
            assertThat(header(record, EventHeaders.TIME)).isEqualTo(row.createdAt());
            assertThat(record.timestamp()).isBetween(0L, System.currentTimeMillis());
        }
        assertThat(recordsOf(neighbour, 2)).hasSize(2);
    }

    static Stream<Arguments> parked() {
        return Stream.of(
                Arguments.of("no-topic-for-its-aggregate-type", Row.of("InvoiceIssued", 1, "{\"order_id\": \"%s\"}")
                        .aggregateType("invoice"), "no topic for aggregate type 'invoice'"),
                Arguments.of("a-header-larger-than-kafka-accepts", Row.of("OrderPaid", 1, "{\"order_id\": \"%s\"}")
                        .withHeaders("{\"x-blob\": \"" + "b".repeat(100_000) + "\"}"), "bytes topic"),
                Arguments.of("a-header-the-relay-sets", Row.of("OrderPaid", 1, "{\"order_id\": \"%s\"}")
                        .withHeaders("{\"ce_id\": \"forged\"}"), "header ce_id is set by the relay"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parked")
    void parksTheRowWithItsErrorAndHoldsItsOrderWhileOthersFlow(String name, Row row, String error) throws Exception {
        String orderId = "o-" + name;
        String neighbour = "n-" + name;
        long first = insert(orderId, Row.of("OrderPlaced", 2, "{\"order_id\": \"%s\", \"seq\": 1}"));
        long neighbourFirst = insert(neighbour, Row.of("OrderPlaced", 2, "{\"order_id\": \"%s\", \"seq\": 1}"));
        long bad = insert(orderId, row);
        long neighbourSecond = insert(neighbour, Row.of("OrderPaid", 1, "{\"order_id\": \"%s\", \"seq\": 2}"));
        long last = insert(orderId, Row.of("OrderCancelled", 1, "{\"order_id\": \"%s\", \"seq\": 3}"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fixture.jdbc.queryForList(
                "SELECT attempts FROM outbox WHERE id = ? AND parked_at IS NOT NULL", Integer.class, bad)).containsExactly(2));
        assertThat(fixture.jdbc.queryForObject("SELECT last_error FROM outbox WHERE id = ?", String.class, bad))
                .containsIgnoringCase(error);
        await().atMost(Duration.ofSeconds(30)).until(() -> published(first, neighbourFirst, neighbourSecond));
        // The order's later row is held behind the parked one: not published, not dropped.
        assertThat(fixture.count("SELECT count(*) FROM outbox WHERE id = " + last + " AND published_at IS NULL")).isEqualTo(1);
        assertThat(recordsOf(orderId, 1)).extracting(r -> header(r, EventHeaders.POSITION))
                .containsExactly(Long.toString(first));
        assertThat(recordsOf(neighbour, 2)).hasSize(2);
    }

    /** What an operator is shown of a parked row is its columns as JSON text: the strings verbatim, nothing rendered. */
    @Test
    void listsAParkedRowWithInjectedStringsVerbatimAsJson() throws Exception {
        String orderId = "<script>alert('o')</script>'; DROP TABLE outbox; --";
        long bad = insert(orderId, Row.of("InvoiceIssued<b>", 1, "{\"order_id\": \"x\"}").aggregateType("invoice"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                fixture.count("SELECT count(*) FROM outbox WHERE id = " + bad + " AND parked_at IS NOT NULL") == 1);

        String port = relay.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/outbox"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("admin:operator-secret".getBytes(UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
        JsonNode listed = null;
        for (JsonNode row : JSON.readTree(response.body()).get("parked")) {
            if (row.get("id").asLong() == bad) {
                listed = row;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.get("aggregateId").stringValue()).isEqualTo(orderId);
        assertThat(listed.get("eventType").stringValue()).isEqualTo("InvoiceIssued<b>");
        assertThat(fixture.count("SELECT count(*) FROM outbox")).isPositive();
    }

    private static long insert(String orderId, Row row) {
        String headers = row.headers() == null ? null : row.headers().formatted(orderId);
        return fixture.jdbc.queryForObject("""
                INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, event_version, payload, headers, created_at)
                VALUES (gen_random_uuid(), ?, ?, ?, ?, ?::jsonb, ?::jsonb, coalesce(?::timestamptz, now()))
                RETURNING id
                """, Long.class, row.aggregateType(), orderId, row.eventType(), row.version(),
                row.payload().formatted(orderId), headers, row.createdAt());
    }

    private static boolean published(long... ids) {
        long count = 0;
        for (long id : ids) {
            count += fixture.count("SELECT count(*) FROM outbox WHERE id = " + id + " AND published_at IS NOT NULL");
        }
        return count == ids.length;
    }

    /** The records of the order on the topic, in partition order. */
    private static List<ConsumerRecord<byte[], byte[]>> recordsOf(String orderId, int expected) {
        long total = fixture.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL");
        return TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, (int) total, Duration.ofSeconds(30))
                .records().stream().filter(r -> orderId.equals(new String(r.key(), UTF_8))).toList();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
    }
}
