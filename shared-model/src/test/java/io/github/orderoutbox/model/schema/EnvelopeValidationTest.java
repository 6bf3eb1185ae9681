package io.github.orderoutbox.model.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.model.Envelope;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import io.github.orderoutbox.model.rejection.Violation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

class EnvelopeValidationTest {

    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final JsonNode PAYLOAD = new EventJson().readTree("""
            {"order_id": "ord-2026-000123", "delivered_at": "2026-03-17T10:31:22Z"}
            """);
    private static final String EVENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";

    /** The headers as the relay writes them (see the relay's EventRecordMapper). */
    private static Map<String, String> relayHeaders() {
        Map<String, String> headers = new HashMap<>();
        headers.put(EventHeaders.SPEC_VERSION, "1.0");
        headers.put(EventHeaders.ID, EVENT_ID);
        headers.put(EventHeaders.TYPE, "OrderDelivered");
        headers.put(EventHeaders.SOURCE, "/orders-service");
        headers.put(EventHeaders.SUBJECT, "ord-2026-000123");
        headers.put(EventHeaders.TIME, "2026-03-17T10:31:22.480211Z");
        headers.put(EventHeaders.CONTENT_TYPE, "application/json");
        headers.put(EventHeaders.EVENT_VERSION, "1");
        headers.put(EventHeaders.POSITION, "42017");
        headers.put(EventHeaders.AGGREGATE_TYPE, "order");
        headers.put("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        return headers;
    }

    private static Map<String, String> relayHeadersWith(String name, String value) {
        Map<String, String> headers = relayHeaders();
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        return headers;
    }

    @Test
    void acceptsTheHeadersTheRelayWritesAndReturnsTheEnvelope() {
        assertThat(SCHEMAS.validateEnvelope(relayHeaders(), PAYLOAD)).isEmpty();

        Envelope envelope = SCHEMAS.requireValidEnvelope(relayHeaders(), PAYLOAD);

        assertThat(envelope).isEqualTo(new Envelope(UUID.fromString(EVENT_ID), "OrderDelivered", 1,
                "/orders-service", "ord-2026-000123"));
    }

    @Test
    void readsHeadersThroughALookupFunctionSoTheCallerNeedNotBuildAMap() {
        Map<String, String> headers = relayHeaders();

        assertThat(SCHEMAS.validateEnvelope(headers::get, PAYLOAD)).isEmpty();
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ce_specversion    | 0.3                                  | ce_specversion: must be 1.0, was '0.3'
            ce_id             | 42                                   | ce_id: must be a UUID, was '42'
            ce_id             | 1-2-3-4-5                            | ce_id: must be a UUID, was '1-2-3-4-5'
            ce_type           | InvoiceIssued                        | ce_type: unknown event type 'InvoiceIssued'
            ce_eventversion   | 0                                    | ce_eventversion: must be a positive integer, was '0'
            ce_eventversion   | -1                                   | ce_eventversion: must be a positive integer, was '-1'
            ce_eventversion   | v2                                   | ce_eventversion: must be a positive integer, was 'v2'
            ce_eventversion   | 1.0                                  | ce_eventversion: must be a positive integer, was '1.0'
            ce_eventversion   | 99999999999                          | ce_eventversion: must be a positive integer, was '99999999999'
            content-type      | text/plain                           | content-type: must be application/json, was 'text/plain'
            content-type      | application/cloudevents+json         | content-type: must be application/json, was 'application/cloudevents+json'
            ce_subject        | ord-2026-000999                      | ce_subject: must equal the payload's order_id 'ord-2026-000123', was 'ord-2026-000999'
            ce_time           | 2026-03-17 10:31:22                  | ce_time: must be an RFC 3339 date-time, was '2026-03-17 10:31:22'
            ce_time           | 2026-02-30T10:31:22Z                 | ce_time: must be an RFC 3339 date-time, was '2026-02-30T10:31:22Z'
            ce_outboxposition | -5                                   | ce_outboxposition: must be a positive integer, was '-5'
            """)
    void reportsABrokenHeaderByName(String header, String value, String message) {
        List<Violation> violations = SCHEMAS.validateEnvelope(relayHeadersWith(header, value), PAYLOAD);

        assertThat(violations).containsExactly(new Violation(header, message));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_eventversion", "content-type", "ce_subject"})
    void reportsARequiredHeaderThatIsMissing(String header) {
        assertThat(SCHEMAS.validateEnvelope(relayHeadersWith(header, null), PAYLOAD))
                .containsExactly(new Violation(header, header + ": is required"));
        assertThat(SCHEMAS.validateEnvelope(relayHeadersWith(header, " "), PAYLOAD))
                .containsExactly(new Violation(header, header + ": is required"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ce_time", "ce_outboxposition", "ce_aggregatetype"})
    void acceptsAnEnvelopeWithoutTheOptionalHeaders(String header) {
        assertThat(SCHEMAS.validateEnvelope(relayHeadersWith(header, null), PAYLOAD)).isEmpty();
    }

    @Test
    void acceptsAJsonContentTypeWithParameters() {
        assertThat(SCHEMAS.validateEnvelope(relayHeadersWith(EventHeaders.CONTENT_TYPE, "Application/JSON; charset=utf-8"), PAYLOAD))
                .isEmpty();
    }

    @Test
    void reportsASubjectThatCannotBeComparedBecauseThePayloadHasNoOrderId() {
        JsonNode withoutOrderId = new EventJson().readTree("{\"delivered_at\": \"2026-03-17T10:31:22Z\"}");

        assertThat(SCHEMAS.validateEnvelope(relayHeaders(), withoutOrderId))
                .containsExactly(new Violation("ce_subject", "ce_subject: cannot be compared: the payload has no order_id"));
    }

    @Test
    void checksTheHeadersAloneWhenThePayloadCouldNotBeRead() {
        assertThat(SCHEMAS.validateEnvelope(relayHeaders(), null)).isEmpty();
    }

    @Test
    void leavesAVersionNewerThanKnownToTheSchemaCheckWhichParksIt() {
        assertThat(SCHEMAS.validateEnvelope(relayHeadersWith(EventHeaders.EVENT_VERSION, "7"), PAYLOAD)).isEmpty();
    }

    @Test
    void reportsEveryBrokenHeaderNotOnlyTheFirst() {
        Map<String, String> headers = relayHeaders();
        headers.put(EventHeaders.SPEC_VERSION, "0.3");
        headers.put(EventHeaders.ID, "not-a-uuid");
        headers.remove(EventHeaders.CONTENT_TYPE);

        assertThatThrownBy(() -> SCHEMAS.requireValidEnvelope(headers, PAYLOAD))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("envelope is invalid: ")
                .satisfies(e -> assertThat(((InvalidEventException) e).violations())
                        .extracting(Violation::field)
                        .containsExactly("ce_specversion", "ce_id", "content-type"));
    }

    @Test
    void raisesUnknownEventTypeRatherThanInvalidForATypeItDoesNotKnow() {
        Map<String, String> headers = relayHeadersWith(EventHeaders.TYPE, "InvoiceIssued");
        headers.put(EventHeaders.ID, "not-a-uuid");

        assertThatThrownBy(() -> SCHEMAS.requireValidEnvelope(headers, PAYLOAD))
                .isInstanceOf(UnknownEventTypeException.class)
                .hasMessageContaining("'InvoiceIssued'");
    }
}
