package io.github.orderoutbox.model;

import java.util.Objects;
import java.util.UUID;

/**
 * The CloudEvents attributes of one received order event that the consumer acts on, read from
 * its {@link EventHeaders} once they have been checked.
 *
 * @param id      {@code ce_id}, the event id consumers deduplicate by
 * @param type    {@code ce_type}, a known event type name such as {@code OrderPlaced}
 * @param version {@code ce_eventversion}, at least 1; it may still be newer than this code knows
 * @param source  {@code ce_source}, the system that emitted the event
 * @param subject {@code ce_subject}, the order id, equal to the payload's {@code order_id}
 */
public record Envelope(UUID id, String type, int version, String source, String subject) {

    public Envelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(subject, "subject");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1, was " + version);
        }
    }
}
