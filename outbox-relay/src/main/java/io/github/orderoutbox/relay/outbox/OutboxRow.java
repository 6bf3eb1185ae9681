package io.github.orderoutbox.relay.outbox;

import java.time.Instant;
import java.util.UUID;

/**
 * One claimed outbox row, with what the relay needs to publish it.
 *
 * @param payload     the JSON payload as text
 * @param headersJson the row's own extra headers as a JSON object text, or null
 * @param attempts    failed attempts before this one
 */
public record OutboxRow(
        long id,
        UUID eventId,
        String aggregateType,
        String aggregateId,
        String eventType,
        int eventVersion,
        String payload,
        String headersJson,
        Instant createdAt,
        int bucket,
        int attempts) {
}
