package io.github.orderoutbox.demo.order;

import java.util.UUID;

/**
 * The two events of {@link Orders#shipAndDeliverSkippingTheLock}: OrderShipped has the lower outbox
 * id but committed last; OrderDelivered has the higher id, committed first, and is the one the
 * consumer dead-letters.
 */
public record SkippedLock(UUID shippedEventId, UUID deliveredEventId) {
}
