package io.github.orderoutbox.consumer.readmodel;

import java.util.UUID;

/**
 * A row of {@code read_model.blocked_order}: an order whose event was dead-lettered, so that its
 * later events are parked until it is redriven.
 *
 * @param firstEventId the dead-lettered event's id, or {@code null} when it had no valid one
 */
public record BlockedOrder(String orderId, UUID firstEventId, String reason,
                           String deadLetterTopic, int deadLetterPartition, long deadLetterOffset) {
}
