package io.github.orderoutbox.consumer.readmodel;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;

/** A record of a blocked order, held back in {@code read_model.parked_event} as received. */
public record ParkedRecord(ReceivedEvent event, String orderId, String reason) {
}
