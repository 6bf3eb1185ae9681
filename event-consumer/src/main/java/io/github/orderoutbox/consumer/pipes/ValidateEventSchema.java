package io.github.orderoutbox.consumer.pipes;

import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.model.Envelope;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.schema.EventSchemas;
import io.github.orderoutbox.model.upcast.Upcasters;
import java.util.List;
import java.util.Map;
import io.github.orderoutbox.model.rejection.InvalidEventException;
import io.github.orderoutbox.model.rejection.Violation;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/**
 * The first pipe: checks an event's CloudEvents headers and its payload against the schema of its
 * type and version, upcasts an older version to the newest and reads the typed event, so that the
 * pipes after it see only the newest version of a valid event.
 *
 * <p>It fills the context's {@code eventId} ({@code ce_id}), {@code eventType}, {@code eventVersion}
 * (the newest version of the type, not the one received) and {@code payload}, which holds the
 * typed {@link OrderEvent} record: read it with {@code context.payload(OrderEvent.class)} or the
 * record of the type, such as {@code context.payload(OrderPaid.class)}.
 *
 * <p>An event that fails a check is rejected by throwing the shared-model exception as it is
 * ({@code UnreadableEventException}, {@code UnknownEventTypeException},
 * {@code UnknownEventVersionException}, {@code InvalidEventException}); each is a
 * {@code NonRetryableEventException}, which the delivery loop dead-letters at once and logs there.
 */
public final class ValidateEventSchema implements Pipe<EventContext> {

    private final EventSchemas schemas;
    private final Upcasters upcasters;
    private final EventJson json;

    /** The schemas, upcasters and mapper are loaded once and shared by every event. */
    public ValidateEventSchema(EventSchemas schemas, Upcasters upcasters, EventJson json) {
        this.schemas = Objects.requireNonNull(schemas, "schemas");
        this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
        this.json = Objects.requireNonNull(json, "json");
    }

    @Override
    public Outcome handle(EventContext context, Next<EventContext> next) {
        ReceivedEvent received = context.event();
        JsonNode payload = json.readTree(received.value());

        // The envelope comes first: an unknown ce_type is reported as such before its payload is
        // looked at, and ce_subject is compared with the payload's order_id.
        Map<String, String> headers = received.headers();
        Envelope envelope = schemas.requireValidEnvelope(headers::get, payload);
        if (!envelope.subject().equals(received.key())) {
            // The key decides the partition, so an event keyed by another order would be ordered
            // with that order's events, not its own; and one without a key lands in any partition,
            // where it could be applied before the order's earlier events or after its later ones.
            String problem = received.key() == null
                    ? "record key is missing; it must be the order id, ce_subject '" + envelope.subject() + "'"
                    : "record key '" + received.key() + "' must equal ce_subject '" + envelope.subject() + "'";
            throw new InvalidEventException("event " + envelope.id(), List.of(new Violation("key", problem)));
        }
        String type = envelope.type();
        schemas.requireValid(type, envelope.version(), payload);

        int newest = upcasters.newestVersion(type);
        JsonNode newestPayload = upcasters.toNewest(type, envelope.version(), payload);
        if (envelope.version() < newest) {
            // An upcaster's output is held to the newest schema like a producer's, so a mistake in
            // an upcaster rejects the event here rather than surfacing in a domain pipe.
            schemas.requireValid(type, newest, newestPayload);
        }
        OrderEvent event = json.read(type, newestPayload);

        context.setEventId(envelope.id().toString());
        context.setEventType(type);
        context.setEventVersion(newest);
        context.setPayload(event);
        return next.handle(context);
    }
}
