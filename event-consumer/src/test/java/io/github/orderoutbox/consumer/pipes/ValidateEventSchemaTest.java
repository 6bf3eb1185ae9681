package io.github.orderoutbox.consumer.pipes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.PipeFailedException;
import io.github.orderoutbox.consumer.pipeline.Pipeline;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import io.github.orderoutbox.model.rejection.UnknownEventVersionException;
import io.github.orderoutbox.model.rejection.UnreadableEventException;
import io.github.orderoutbox.model.rejection.Violation;
import io.github.orderoutbox.model.schema.EventSchemas;
import io.github.orderoutbox.model.upcast.Upcasters;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The first pipe, run through a real pipeline: valid events reach the next pipe as the typed record
 * of their newest version with the context's slots filled; every kind of broken event is rejected
 * with its shared-model exception, named as a failure of {@code ValidateEventSchema}, and goes no further.
 */
class ValidateEventSchemaTest {

    private static final String EVENT_ID = "5f0c6a1e-8d2b-4c3f-9a71-2b6e0d4c9f13";

    private static final String ORDER_PAID_V1 = """
            {
              "order_id": "ord-2026-000123",
              "payment_id": "pay_3PqL8e2eZvKYlo2C1x9Q",
              "amount": "12.50",
              "currency": "EUR",
              "paid_at": "2026-03-14T09:27:40.051Z"
            }
            """;

    private static final String ORDER_PLACED_V1 = """
            {
              "order_id": "ord-2026-000124",
              "customer_id": "cus-10077",
              "currency": "USD",
              "items": [
                { "sku": "TSHIRT-ORG-M-NAVY", "quantity": 3, "unit_price": "19.99" },
                { "sku": "SOCKS-WOOL-42", "quantity": 2, "unit_price": "7.45" }
              ],
              "placed_at": "2026-03-14T04:26:53.117-05:00"
            }
            """;

    /** The float 37.5 where the schema wants the decimal string "37.50". */
    private static final String ORDER_PAID_V1_AMOUNT_AS_FLOAT = """
            {"order_id": "ord-2026-000123", "payment_id": "pay-1", "amount": 37.5, "currency": "EUR",
             "paid_at": "2026-03-14T09:27:40Z"}
            """;

    private static ValidateEventSchema pipe;

    private final List<EventContext> reachedNextPipe = new ArrayList<>();
    private Pipeline<EventContext> pipeline;

    @BeforeAll
    static void loadSchemasOnce() {
        pipe = new ValidateEventSchema(EventSchemas.load(), Upcasters.standard(), new EventJson());
    }

    @BeforeEach
    void buildPipeline() {
        pipeline = Pipeline.through(List.of(pipe)).then(reachedNextPipe::add);
    }

    /** The headers the relay writes for an event of one order. */
    private static Map<String, String> relayHeaders(String type, int version, String orderId) {
        Map<String, String> headers = new HashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", EVENT_ID);
        headers.put("ce_type", type);
        headers.put("ce_source", "/orders-service");
        headers.put("ce_subject", orderId);
        headers.put("ce_time", "2026-03-14T09:27:40.112Z");
        headers.put("content-type", "application/json");
        headers.put("ce_eventversion", Integer.toString(version));
        headers.put("ce_outboxposition", "1042");
        return headers;
    }

    private static EventContext context(Map<String, String> headers, String value) {
        return context(headers, value.getBytes(StandardCharsets.UTF_8));
    }

    private static EventContext context(Map<String, String> headers, byte[] value) {
        ReceivedEvent event = new ReceivedEvent("orders.events", 2, 17L, Instant.parse("2026-03-14T09:27:40.200Z"),
                headers.get("ce_subject"), headers, value);
        return EventContext.firstAttempt(event);
    }

    /** Sends a context that must be rejected and returns what the pipe threw. */
    private Throwable rejection(EventContext context) {
        PipeFailedException failure = catchThrowableOfType(PipeFailedException.class, () -> pipeline.send(context));

        assertThat(failure).as("the pipeline's failure").isNotNull();
        assertThat(failure.pipe()).isEqualTo("ValidateEventSchema");
        assertThat(reachedNextPipe).as("contexts that reached the next pipe").isEmpty();
        assertThat(context.eventIdIfKnown()).as("event id filled by a rejected event").isEmpty();
        return failure.getCause();
    }

    @Test
    void handsValidOrderPaidOnAsItsTypedRecord() {
        EventContext context = context(relayHeaders("OrderPaid", 1, "ord-2026-000123"), ORDER_PAID_V1);

        Outcome outcome = pipeline.send(context);

        assertThat(outcome.isCompleted()).isTrue();
        assertThat(reachedNextPipe).containsExactly(context);
        assertThat(context.eventId()).isEqualTo(EVENT_ID);
        assertThat(context.eventType()).isEqualTo("OrderPaid");
        assertThat(context.eventVersion()).isEqualTo(1);
        assertThat(context.payload(OrderEvent.class)).isEqualTo(new OrderPaid("ord-2026-000123",
                "pay_3PqL8e2eZvKYlo2C1x9Q", new BigDecimal("12.50"), "EUR", Instant.parse("2026-03-14T09:27:40.051Z")));
    }

    @Test
    void upcastsOrderPlacedV1SoTheNextPipeSeesVersion2() {
        EventContext context = context(relayHeaders("OrderPlaced", 1, "ord-2026-000124"), ORDER_PLACED_V1);

        pipeline.send(context);

        assertThat(reachedNextPipe).containsExactly(context);
        assertThat(context.eventVersion()).isEqualTo(2);
        OrderPlaced placed = context.payload(OrderPlaced.class);
        assertThat(placed.lines()).containsExactly(
                OrderLine.of("1", "TSHIRT-ORG-M-NAVY", 3, Money.of("19.99", "USD")),
                OrderLine.of("2", "SOCKS-WOOL-42", 2, Money.of("7.45", "USD")));
        // 3 x 19.99 + 2 x 7.45 = 59.97 + 14.90
        assertThat(placed.total()).isEqualTo(Money.of("74.87", "USD"));
        assertThat(placed.placedAt()).isEqualTo(Instant.parse("2026-03-14T09:26:53.117Z"));
    }

    @Test
    void rejectsBytesThatAreNotJsonAsUnreadable() {
        byte[] truncated = "{\"order_id\": \"ord-2026-000123\", \"amou".getBytes(StandardCharsets.UTF_8);

        Throwable cause = rejection(context(relayHeaders("OrderPaid", 1, "ord-2026-000123"), truncated));

        assertThat(cause).isInstanceOf(UnreadableEventException.class);
    }

    @Test
    void rejectsAnUnknownEventType() {
        Throwable cause = rejection(context(relayHeaders("OrderRefunded", 1, "ord-2026-000123"), ORDER_PAID_V1));

        assertThat(cause).isInstanceOfSatisfying(UnknownEventTypeException.class,
                unknown -> assertThat(unknown.eventType()).isEqualTo("OrderRefunded"));
    }

    @Test
    void rejectsAVersionNewerThanTheNewestKnown() {
        Throwable cause = rejection(context(relayHeaders("OrderPaid", 2, "ord-2026-000123"), ORDER_PAID_V1));

        assertThat(cause).isInstanceOfSatisfying(UnknownEventVersionException.class, unknown -> {
            assertThat(unknown.version()).isEqualTo(2);
            assertThat(unknown.newestKnownVersion()).isEqualTo(1);
        });
    }

    @Test
    void rejectsMoneyGivenAsAFloatNamingTheField() {
        Throwable cause = rejection(context(relayHeaders("OrderPaid", 1, "ord-2026-000123"), ORDER_PAID_V1_AMOUNT_AS_FLOAT));

        assertThat(cause).isInstanceOfSatisfying(InvalidEventException.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::field).contains("$.amount"));
        assertThat(cause).hasMessageContaining("$.amount");
    }

    @Test
    void rejectsASubjectThatIsNotThePayloadsOrder() {
        Throwable cause = rejection(context(relayHeaders("OrderPaid", 1, "ord-2026-999999"), ORDER_PAID_V1));

        assertThat(cause).isInstanceOfSatisfying(InvalidEventException.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::field).containsExactly("ce_subject"));
    }

    @Test
    void rejectsAnEnvelopeWithoutEventId() {
        Map<String, String> headers = relayHeaders("OrderPaid", 1, "ord-2026-000123");
        headers.remove("ce_id");

        Throwable cause = rejection(context(headers, ORDER_PAID_V1));

        assertThat(cause).isInstanceOfSatisfying(InvalidEventException.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::field).contains("ce_id"));
    }

    @Test
    void rejectsARecordWithoutKeyBecauseItHasNoPlaceInItsOrdersPartition() {
        ReceivedEvent event = new ReceivedEvent("orders.events", 2, 17L, Instant.parse("2026-03-14T09:27:40.200Z"),
                null, relayHeaders("OrderPaid", 1, "ord-2026-000123"), ORDER_PAID_V1.getBytes(StandardCharsets.UTF_8));

        Throwable cause = rejection(EventContext.firstAttempt(event));

        assertThat(cause).isInstanceOfSatisfying(InvalidEventException.class, invalid ->
                assertThat(invalid.violations()).extracting(Violation::field).containsExactly("key"));
        assertThat(cause).hasMessageContaining("record key is missing");
    }
}
