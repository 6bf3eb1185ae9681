package io.github.orderoutbox.consumer.readmodel;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which blocked orders to read, every part optional (empty matches every order).
 *
 * @param orderIds       only these orders; empty for any
 * @param reasonContains only orders whose block reason contains this text, ignoring case
 * @param blockedFrom    only orders blocked at or after this instant
 * @param blockedBefore  only orders blocked before this instant
 */
public record BlockedOrderFilter(List<String> orderIds, Optional<String> reasonContains,
                                 Optional<Instant> blockedFrom, Optional<Instant> blockedBefore) {

    public BlockedOrderFilter {
        orderIds = List.copyOf(orderIds);
        Objects.requireNonNull(reasonContains, "reasonContains");
        Objects.requireNonNull(blockedFrom, "blockedFrom");
        Objects.requireNonNull(blockedBefore, "blockedBefore");
    }

    /** Every blocked order. */
    public static BlockedOrderFilter all() {
        return new BlockedOrderFilter(List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
