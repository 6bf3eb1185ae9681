package io.github.orderoutbox.model.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.regex.Pattern;

/** The checks the event records share in their constructors, each failing with a message naming the field. */
final class Invariants {

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private Invariants() {
    }

    static <T> T present(T value, String field) {
        return Objects.requireNonNull(value, () -> field + " is required");
    }

    static String text(String value, String field) {
        present(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    static String currency(String value, String field) {
        present(value, field);
        if (!CURRENCY.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be an ISO 4217 code of three capital letters, was '" + value + "'");
        }
        return value;
    }

    /**
     * Returns the amount with exactly two decimals, so that {@code 12.5} becomes {@code 12.50} and
     * equal amounts are equal records; more decimals or a negative amount are refused, never rounded.
     */
    static BigDecimal money(BigDecimal value, String field) {
        present(value, field);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value.toPlainString());
        }
        try {
            return value.setScale(2, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + " must have at most two decimals, was " + value.toPlainString(), e);
        }
    }
}
