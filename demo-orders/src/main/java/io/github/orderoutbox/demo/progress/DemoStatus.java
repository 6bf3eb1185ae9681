package io.github.orderoutbox.demo.progress;

/**
 * What {@code GET /demo/status} answers.
 *
 * @param ordersWritten orders placed (committed)
 * @param eventsWritten events appended to the outbox (committed), poison included
 * @param poisonWritten poison events among them
 * @param done          the demo has placed {@code demo.orders} orders and each has reached its
 *                      final state (delivered or cancelled); never true when {@code demo.orders} is 0
 */
public record DemoStatus(long ordersWritten, long eventsWritten, long poisonWritten, boolean done) {
}
