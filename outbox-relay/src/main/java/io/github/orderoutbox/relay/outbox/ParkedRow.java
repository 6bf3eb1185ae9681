package io.github.orderoutbox.relay.outbox;

import java.time.Instant;
import java.util.UUID;

/** A parked row as operators see it. */
public record ParkedRow(long id, UUID eventId, String aggregateId, String eventType, int attempts,
                        String lastError, Instant createdAt, Instant parkedAt) {
}
