package io.github.orderoutbox.localstack.status;

/**
 * One reading of the pipeline, each figure null when it could not be read (a service still
 * starting, a table not yet migrated).
 *
 * @param ordersWritten orders the demo has written since it started
 * @param eventsWritten events the demo has written since it started
 * @param demoDone      whether the demo has written all the orders it was asked for
 * @param waiting       outbox rows not yet published (and not parked)
 * @param published     records on {@code orders.events}: every event the relays have published
 * @param applied       rows of {@code read_model.applied_event}: every event applied to the read model
 * @param lag           records of {@code orders.events} past the consumer group's committed offsets
 * @param deadLetters   records on {@code orders.events.dlq}
 * @param blocked       rows of {@code read_model.blocked_order}: orders waiting for a redrive
 */
public record Figures(Long ordersWritten, Long eventsWritten, Boolean demoDone, Long waiting, Long published,
        Long applied, Long lag, Long deadLetters, Long blocked) {
}
