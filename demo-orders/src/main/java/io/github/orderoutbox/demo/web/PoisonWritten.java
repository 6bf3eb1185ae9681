package io.github.orderoutbox.demo.web;

import java.util.UUID;

/**
 * What {@code POST /demo/poison} answers.
 *
 * @param orderId   the order the poison event belongs to, blocked in the read model once consumed
 * @param eventId   the poison event's id ({@code ce_id}, {@code dlq_event_id} on the dead letter)
 * @param eventType its type
 * @param reason    how it was written, and why the consumer will dead-letter it
 */
public record PoisonWritten(String orderId, UUID eventId, String eventType, String reason) {
}
