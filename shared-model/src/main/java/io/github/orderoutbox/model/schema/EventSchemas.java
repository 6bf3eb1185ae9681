package io.github.orderoutbox.model.schema;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import io.github.orderoutbox.model.Envelope;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.UnknownEventTypeException;
import io.github.orderoutbox.model.rejection.UnknownEventVersionException;
import io.github.orderoutbox.model.rejection.UnreadableEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The JSON Schemas (draft 2020-12) of every event type and version, compiled once, and the checks
 * a received event passes before it is upcast: its payload against the schema of its type and
 * version, and its CloudEvents envelope. Thread-safe; load one and share it.
 *
 * <p>The schemas are the resources {@code /schemas/<type>/v<version>.json} of this module, one for
 * every version from 1 to the newest of each {@link EventType}; loading fails if one is missing.
 * Besides each schema's patterns, {@code format} is asserted too (it is only an annotation in
 * 2020-12 by default), so a timestamp of the right shape but on no calendar day is refused.
 *
 * <p>Each check comes in two forms: {@code validate...} returns the violations (empty when valid),
 * {@code requireValid...} throws a non-retryable {@link InvalidEventException} carrying them.
 */
public final class EventSchemas {

    private static final String DIRECTORY = "schemas";

    private final Map<String, Schema[]> schemas;
    private final EventJson json;

    private EventSchemas(Map<String, Schema[]> schemas, EventJson json) {
        this.schemas = schemas;
        this.json = json;
    }

    /** Loads and compiles the schema of every version of every {@link EventType}. */
    public static EventSchemas load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .pathType(PathType.JSON_PATH)
                        .locale(Locale.ENGLISH)
                        .build()));
        Map<String, Schema[]> schemas = new HashMap<>();
        for (EventType type : EventType.values()) {
            Schema[] versions = new Schema[type.newestVersion()];
            for (int version = 1; version <= versions.length; version++) {
                versions[version - 1] = compile(registry, type.typeName(), version);
            }
            schemas.put(type.typeName(), versions);
        }
        return new EventSchemas(Map.copyOf(schemas), new EventJson());
    }

    /** The class-path resource of a schema, e.g. {@code /schemas/OrderPlaced/v1.json}. */
    public static String resourceName(String eventType, int version) {
        return "/" + DIRECTORY + "/" + eventType + "/v" + version + ".json";
    }

    private static Schema compile(SchemaRegistry registry, String type, int version) {
        String resource = resourceName(type, version);
        try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema " + resource + " for " + type + " v" + version);
            }
            Schema schema = registry.getSchema(SchemaLocation.of("classpath:" + resource.substring(1)), in,
                    InputFormat.JSON);
            // Build every keyword validator now, not lazily on the first event.
            schema.initializeValidators();
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    /**
     * The violations of a payload against the schema of its type and version; empty when it is valid.
     *
     * @throws UnknownEventTypeException    when the type is not known
     * @throws UnknownEventVersionException when the version is newer than the newest known
     * @throws InvalidEventException        when the version is below 1
     */
    public List<Violation> validate(String eventType, int version, JsonNode payload) {
        List<Error> errors = schema(eventType, version).validate(payload);
        if (errors.isEmpty()) {
            return List.of();
        }
        List<Violation> violations = new ArrayList<>(errors.size());
        for (Error error : errors) {
            Violation violation = violation(error);
            // A timestamp that breaks both its pattern and its format reads the same twice: say it once.
            if (!violations.contains(violation)) {
                violations.add(violation);
            }
        }
        return violations;
    }

    /** Like {@link #validate(String, int, JsonNode)}; bytes that are not JSON are one violation of {@code $}. */
    public List<Violation> validate(String eventType, int version, byte[] payload) {
        schema(eventType, version);
        JsonNode tree;
        try {
            tree = json.readTree(payload);
        } catch (UnreadableEventException e) {
            return List.of(new Violation("$", "$: " + e.getMessage()));
        }
        return validate(eventType, version, tree);
    }

    /** Like {@link #validate(String, int, byte[])}, for JSON text. */
    public List<Violation> validate(String eventType, int version, String payload) {
        schema(eventType, version);
        JsonNode tree;
        try {
            tree = json.readTree(payload);
        } catch (UnreadableEventException e) {
            return List.of(new Violation("$", "$: " + e.getMessage()));
        }
        return validate(eventType, version, tree);
    }

    /**
     * Checks a payload against the schema of its type and version and returns it as a tree, ready
     * to be upcast.
     *
     * @throws UnreadableEventException     when the bytes are not one JSON document
     * @throws InvalidEventException        when the payload breaks its schema; it carries the violations
     * @throws UnknownEventTypeException    when the type is not known
     * @throws UnknownEventVersionException when the version is newer than the newest known
     */
    public JsonNode requireValid(String eventType, int version, byte[] payload) {
        schema(eventType, version);
        return requireValid(eventType, version, json.readTree(payload));
    }

    /** Like {@link #requireValid(String, int, byte[])}, for a payload already parsed; returns it. */
    public JsonNode requireValid(String eventType, int version, JsonNode payload) {
        List<Violation> violations = validate(eventType, version, payload);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(eventType + " v" + version + " payload", violations);
        }
        return payload;
    }

    /**
     * The violations of an event's CloudEvents headers; empty when they are valid. Checked:
     * {@code ce_specversion} is {@code 1.0}; {@code ce_id} is a UUID; {@code ce_source} is present;
     * {@code ce_type} is a known type; {@code ce_eventversion} is a positive integer (whether it is
     * known is left to the schema check); {@code content-type} is {@code application/json}
     * (parameters allowed); {@code ce_subject} equals the payload's {@code order_id}; and, when
     * present, {@code ce_time} is RFC 3339 and {@code ce_outboxposition} a positive integer.
     *
     * @param header  the value of a header by name, or null when absent (for Kafka, the last
     *                header of that name, decoded as UTF-8)
     * @param payload the parsed payload, or null when it could not be parsed (then {@code ce_subject}
     *                is not compared)
     */
    public List<Violation> validateEnvelope(Function<String, String> header, JsonNode payload) {
        return EnvelopeRules.check(header, payload);
    }

    /** Like {@link #validateEnvelope(Function, JsonNode)}, with the headers in a map. */
    public List<Violation> validateEnvelope(Map<String, String> headers, JsonNode payload) {
        return EnvelopeRules.check(headers::get, payload);
    }

    /**
     * Checks an event's CloudEvents headers and returns the attributes the consumer acts on.
     *
     * @throws UnknownEventTypeException when {@code ce_type} names a type this code does not know;
     *         it takes precedence, because such an event is parked for a newer consumer, not refused
     * @throws InvalidEventException     when any other rule of {@link #validateEnvelope(Function, JsonNode)}
     *         is broken; it carries every violation
     */
    public Envelope requireValidEnvelope(Function<String, String> header, JsonNode payload) {
        String type = header.apply(EventHeaders.TYPE);
        if (type != null && !type.isBlank() && EventType.find(type).isEmpty()) {
            throw new UnknownEventTypeException(type, schemas.keySet());
        }
        List<Violation> violations = EnvelopeRules.check(header, payload);
        if (!violations.isEmpty()) {
            throw new InvalidEventException("envelope", violations);
        }
        return new Envelope(UUID.fromString(header.apply(EventHeaders.ID)), type,
                Integer.parseInt(header.apply(EventHeaders.EVENT_VERSION)),
                header.apply(EventHeaders.SOURCE), header.apply(EventHeaders.SUBJECT));
    }

    /** Like {@link #requireValidEnvelope(Function, JsonNode)}, with the headers in a map. */
    public Envelope requireValidEnvelope(Map<String, String> headers, JsonNode payload) {
        return requireValidEnvelope(headers::get, payload);
    }

    private Schema schema(String eventType, int version) {
        Schema[] versions = eventType == null ? null : schemas.get(eventType);
        if (versions == null) {
            throw new UnknownEventTypeException(eventType, schemas.keySet());
        }
        if (version > versions.length) {
            throw new UnknownEventVersionException(eventType, version, versions.length);
        }
        if (version < 1) {
            throw new InvalidEventException(eventType + " envelope", List.of(new Violation(EventHeaders.EVENT_VERSION,
                    EventHeaders.EVENT_VERSION + ": must be at least 1, was " + version)));
        }
        return versions[version - 1];
    }

    /**
     * Names the field a schema error is about and says what is wrong in words. For {@code required}
     * and {@code additionalProperties} the library reports the object holding the property, so the
     * property is appended: {@code $} with property {@code items} becomes {@code $.items}. A broken
     * pattern or format is explained rather than quoted:
     * {@code $.currency: must be an ISO 4217 code of three capital letters such as "EUR", was "eur"}.
     */
    private static Violation violation(Error error) {
        String location = error.getInstanceLocation().toString();
        String field = error.getProperty() == null ? location : location + "." + error.getProperty();
        String explanation = switch (error.getKeyword()) {
            case "pattern" -> FieldPatterns.explain(argument(error));
            case "format" -> "date-time".equals(argument(error)) ? FieldPatterns.TIMESTAMP_EXPLANATION : null;
            default -> null;
        };
        if (explanation == null) {
            return new Violation(field, location + ": " + error.getMessage());
        }
        return new Violation(field, location + ": " + explanation + ", was " + shortened(error.getInstanceNode()));
    }

    private static String argument(Error error) {
        Object[] arguments = error.getArguments();
        return arguments == null || arguments.length == 0 ? null : String.valueOf(arguments[0]);
    }

    /** The offending value as JSON, cut short: it ends up in logs and dead-letter headers. */
    private static String shortened(JsonNode value) {
        String text = String.valueOf(value);
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
