package io.github.orderoutbox.model.upcast;

import tools.jackson.databind.JsonNode;

/**
 * One step of schema evolution: turns the payload of one event type from version {@code n} into
 * version {@code n + 1}, on the JSON tree. Steps are chained by {@link Upcasters}, so each upcaster
 * only knows two neighbouring versions.
 *
 * <p>An upcaster must be deterministic (a replay must produce the same tree) and must not change
 * its argument: it returns a new tree, which may share unchanged value nodes with the old one.
 */
public interface Upcaster {

    /** The event type it upcasts, e.g. {@code OrderPlaced}. */
    String eventType();

    /** The version it reads; it returns version {@code fromVersion() + 1}. */
    int fromVersion();

    /**
     * Returns the payload at version {@code fromVersion() + 1}.
     *
     * @param payload a payload valid against the schema of {@code fromVersion()}
     * @throws io.github.orderoutbox.model.rejection.InvalidEventException when the payload lacks
     *         what the step needs (a payload that passed its schema never does)
     */
    JsonNode upcast(JsonNode payload);
}
