package io.github.orderoutbox.model.schema;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.orderoutbox.model.StoredSamples;
import io.github.orderoutbox.model.StoredSamples.Sample;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.NonRetryableEventException;
import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import io.github.orderoutbox.model.rejection.UnknownEventVersionException;
import io.github.orderoutbox.model.rejection.UnreadableEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

class EventSchemasTest {

    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final EventJson JSON = new EventJson();

    private static final String VALID_ORDER_PAID = """
            {"order_id": "ord-1", "payment_id": "pay-1", "amount": "37.50", "currency": "EUR",
             "paid_at": "2026-03-14T09:27:40Z"}
            """;

    @ParameterizedTest(name = "{0} names {1}")
    @CsvFileSource(resources = "/invalid-samples/expected-violations.csv")
    void rejectsAnInvalidSampleWithAViolationNamingTheField(String path, String field) throws IOException {
        Sample sample = invalidSample(path);

        List<Violation> violations = SCHEMAS.validate(sample.type(), sample.version(), sample.bytes());

        assertThat(violations).extracting(Violation::field).contains(field);
        assertThat(violations).filteredOn(violation -> violation.field().equals(field))
                .allSatisfy(violation -> assertThat(violation.message())
                        .contains(field.equals("$") ? "$" : lastName(field)));
    }

    @Test
    void everyInvalidSampleIsListedWithTheFieldItMustName() throws IOException {
        Set<String> listed = new TreeSet<>();
        for (String line : Files.readAllLines(StoredSamples.root("invalid-samples").resolve("expected-violations.csv"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                listed.add(line.substring(0, line.indexOf(',')).trim());
            }
        }

        assertThat(StoredSamples.in("invalid-samples")).extracting(Sample::relativePath)
                .containsExactlyInAnyOrderElementsOf(listed);
    }

    @Test
    void explainsBrokenPatternsInWordsAndShowsTheValue() {
        List<Violation> violations = SCHEMAS.validate("OrderPaid", 1, """
                {"order_id": "ord-1", "payment_id": "pay-1", "amount": "37.5", "currency": "eur",
                 "paid_at": "2026-03-14 09:27:40"}
                """);

        assertThat(violations).extracting(Violation::message).containsExactly(
                "$.amount: must be a decimal string with exactly two decimals such as \"12.50\", not negative, was \"37.5\"",
                "$.currency: must be an ISO 4217 code of three capital letters such as \"EUR\", was \"eur\"",
                "$.paid_at: must be an RFC 3339 date-time with an offset such as \"2026-03-14T09:26:53Z\", was \"2026-03-14 09:27:40\"");
    }

    @Test
    void requireValidReturnsTheTreeOfAValidPayload() {
        JsonNode payload = SCHEMAS.requireValid("OrderPaid", 1, VALID_ORDER_PAID.getBytes(UTF_8));

        assertThat(payload.get("amount").stringValue()).isEqualTo("37.50");
    }

    @Test
    void requireValidThrowsANonRetryableInvalidEventExceptionCarryingEveryViolation() {
        byte[] payload = """
                {"order_id": "ord-1", "payment_id": "pay-1", "amount": 37.5, "currency": "EUR",
                 "paid_at": "2026-03-14T09:27:40Z", "note": "x"}
                """.getBytes(UTF_8);

        assertThatThrownBy(() -> SCHEMAS.requireValid("OrderPaid", 1, payload))
                .isInstanceOf(InvalidEventException.class)
                .isInstanceOf(NonRetryableEventException.class)
                .hasMessageStartingWith("OrderPaid v1 payload is invalid: ")
                .hasMessageContaining("$.amount")
                .hasMessageContaining("'note'")
                .satisfies(e -> assertThat(((InvalidEventException) e).violations())
                        .extracting(Violation::field).containsExactlyInAnyOrder("$.amount", "$.note"));
    }

    @Test
    void reportsBytesThatAreNotJsonAsOneViolationOfTheWholePayload() {
        List<Violation> violations = SCHEMAS.validate("OrderPaid", 1, "{\"order_id\": \"ord-1\"".getBytes(UTF_8));

        assertThat(violations).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("$");
            assertThat(violation.message()).startsWith("$: payload is not well-formed JSON");
        });
    }

    @Test
    void requireValidRefusesBytesThatAreNotJsonAsUnreadable() {
        assertThatThrownBy(() -> SCHEMAS.requireValid("OrderPaid", 1, new byte[] {(byte) 0xC3, 0x28}))
                .isInstanceOf(UnreadableEventException.class)
                .isInstanceOf(NonRetryableEventException.class);
        assertThatThrownBy(() -> SCHEMAS.requireValid("OrderPaid", 1, new byte[0]))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessage("payload is empty");
    }

    @Test
    void refusesAPayloadThatGivesAKeyTwiceRatherThanGuessWhichCounts() {
        byte[] payload = VALID_ORDER_PAID.replace("\"amount\": \"37.50\"", "\"amount\": \"37.50\", \"amount\": \"0.01\"")
                .getBytes(UTF_8);

        assertThatThrownBy(() -> SCHEMAS.requireValid("OrderPaid", 1, payload))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("amount");
    }

    @Test
    void raisesUnknownEventTypeExceptionForATypeItDoesNotKnow() {
        assertThatThrownBy(() -> SCHEMAS.validate("InvoiceIssued", 1, VALID_ORDER_PAID))
                .isInstanceOf(UnknownEventTypeException.class)
                .isInstanceOf(NonRetryableEventException.class)
                .hasMessageContaining("'InvoiceIssued'")
                .satisfies(e -> assertThat(((UnknownEventTypeException) e).eventType()).isEqualTo("InvoiceIssued"));
    }

    @Test
    void raisesUnknownEventVersionExceptionForAVersionNewerThanItKnows() {
        assertThatThrownBy(() -> SCHEMAS.requireValid("OrderPlaced", 3, VALID_ORDER_PAID.getBytes(UTF_8)))
                .isInstanceOf(UnknownEventVersionException.class)
                .isInstanceOf(NonRetryableEventException.class)
                .hasMessage("OrderPlaced v3 is newer than the newest known version v2")
                .satisfies(e -> {
                    UnknownEventVersionException unknown = (UnknownEventVersionException) e;
                    assertThat(unknown.version()).isEqualTo(3);
                    assertThat(unknown.newestKnownVersion()).isEqualTo(2);
                });
    }

    @Test
    void raisesUnknownVersionEvenWhenThePayloadIsNotJson() {
        assertThatThrownBy(() -> SCHEMAS.validate("OrderPaid", 2, "not json".getBytes(UTF_8)))
                .isInstanceOf(UnknownEventVersionException.class);
    }

    @Test
    void refusesVersionZeroAsAnInvalidEnvelope() {
        assertThatThrownBy(() -> SCHEMAS.validate("OrderPaid", 0, VALID_ORDER_PAID))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("ce_eventversion");
    }

    static List<String> shippedSchemas() {
        List<String> names = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (int version = 1; version <= type.newestVersion(); version++) {
                names.add(EventSchemas.resourceName(type.typeName(), version));
            }
        }
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedSchemas")
    void everySchemaIsAValidDraft202012SchemaThatRefusesUnknownProperties(String resource) throws IOException {
        JsonNode schema = readResource(resource);
        Schema metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));

        assertThat(metaSchema.validate(schema)).isEmpty();
        assertThat(schema.get("$schema").stringValue()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("additionalProperties").booleanValue()).isFalse();
        assertThat(schema.get("description").stringValue()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedSchemas")
    void everySchemaSpellsMoneyCurrencyAndTimestampAsTheValidatorExplainsThem(String resource) throws IOException {
        JsonNode definitions = readResource(resource).get("$defs");

        if (definitions.has("money")) {
            assertThat(definitions.get("money").get("pattern").stringValue()).isEqualTo(FieldPatterns.MONEY);
        }
        if (definitions.has("currency")) {
            assertThat(definitions.get("currency").get("pattern").stringValue()).isEqualTo(FieldPatterns.CURRENCY);
        }
        assertThat(definitions.get("timestamp").get("pattern").stringValue()).isEqualTo(FieldPatterns.TIMESTAMP);
        assertThat(definitions.get("timestamp").get("format").stringValue()).isEqualTo("date-time");
        assertThat(definitions.get("id").get("pattern").stringValue()).isEqualTo(FieldPatterns.NOT_BLANK);
    }

    @Test
    void shipsNoSchemaBeyondTheKnownTypesAndVersions() throws IOException {
        Path root = StoredSamples.root("schemas");
        List<String> shipped;
        try (Stream<Path> files = Files.walk(root)) {
            shipped = files.filter(Files::isRegularFile)
                    .map(file -> "/schemas/" + root.relativize(file).toString().replace('\\', '/'))
                    .toList();
        }

        assertThat(shipped).containsExactlyInAnyOrderElementsOf(shippedSchemas());
    }

    private static Sample invalidSample(String path) {
        return StoredSamples.in("invalid-samples").stream()
                .filter(sample -> sample.relativePath().equals(path))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no invalid sample " + path));
    }

    /** {@code $.items[0].quantity} gives {@code quantity}. */
    private static String lastName(String field) {
        return field.substring(field.lastIndexOf('.') + 1);
    }

    private static JsonNode readResource(String resource) throws IOException {
        try (InputStream in = EventSchemasTest.class.getResourceAsStream(resource)) {
            return JSON.mapper().readTree(in);
        }
    }
}
