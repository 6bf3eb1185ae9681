package io.github.orderoutbox.consumer.pipeline;

import java.util.Objects;

/**
 * Why a pipe stopped the chain: a short stable {@code code} to count and filter by (for example
 * {@code duplicate}, {@code parked}) and a {@code detail} for people reading a log.
 */
public record StopReason(String code, String detail) {

    public StopReason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(detail, "detail");
        if (code.isBlank()) {
            throw new IllegalArgumentException("a stop reason needs a code");
        }
    }
}
