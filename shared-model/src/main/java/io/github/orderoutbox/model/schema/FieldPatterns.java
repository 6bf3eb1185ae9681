package io.github.orderoutbox.model.schema;

import java.util.Map;

/**
 * The regular expressions the schemas use for money, currencies, timestamps and non-blank text,
 * each with the sentence a violation of it reads as, so that a producer is told
 * {@code must be a decimal string with exactly two decimals such as "12.50"} rather than the regex.
 * The schema files spell the same patterns; a test keeps them in step.
 */
final class FieldPatterns {

    /** Non-negative, exactly two decimals, no leading zeros, at most 15 integer digits: {@code "12.50"}. */
    static final String MONEY = "^(0|[1-9][0-9]{0,14})\\.[0-9]{2}$";
    /** ISO 4217 alphabetic code. */
    static final String CURRENCY = "^[A-Z]{3}$";
    /**
     * RFC 3339 date-time with a capital {@code T}, seconds, a fraction of up to 9 digits and an
     * offset; no leap second 60, which {@link java.time} cannot hold.
     */
    static final String TIMESTAMP = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
            + "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
    /** At least one character that is not white space (unanchored, as JSON Schema patterns are). */
    static final String NOT_BLANK = "\\S";

    static final String TIMESTAMP_EXPLANATION = "must be an RFC 3339 date-time with an offset such as \"2026-03-14T09:26:53Z\"";

    private static final Map<String, String> EXPLANATIONS = Map.of(
            MONEY, "must be a decimal string with exactly two decimals such as \"12.50\", not negative",
            CURRENCY, "must be an ISO 4217 code of three capital letters such as \"EUR\"",
            TIMESTAMP, TIMESTAMP_EXPLANATION,
            NOT_BLANK, "must not be blank");

    private FieldPatterns() {
    }

    /** The sentence for a violated pattern, or null for a pattern not listed here. */
    static String explain(String pattern) {
        return EXPLANATIONS.get(pattern);
    }
}
