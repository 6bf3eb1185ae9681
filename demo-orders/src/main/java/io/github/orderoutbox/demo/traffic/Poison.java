package io.github.orderoutbox.demo.traffic;

import java.util.UUID;

/** A poison event written on demand: the order, the event, and the two currencies that disagree. */
public record Poison(String orderId, UUID eventId, String orderCurrency, String paidCurrency) {
}
