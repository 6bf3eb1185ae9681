package io.github.orderoutbox.consumer.replay;

import java.util.UUID;

/**
 * An event as {@code read_model.applied_event} records it: which order, its outbox position, and
 * where it was read from.
 */
record RecordedEvent(UUID eventId, String orderId, String eventType, long position, String topic, int partition,
                     long offset) {
}
