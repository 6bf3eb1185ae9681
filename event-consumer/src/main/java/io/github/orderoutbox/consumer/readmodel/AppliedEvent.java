package io.github.orderoutbox.consumer.readmodel;

import java.util.UUID;

/**
 * A row of {@code read_model.applied_event}: the durable record that an event was applied,
 * written in the same transaction as its effect.
 */
public record AppliedEvent(UUID eventId, String orderId, String eventType, long position,
                           String topic, int partition, long offset) {
}
