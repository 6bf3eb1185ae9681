package io.github.orderoutbox.model.schema;

import static io.github.orderoutbox.model.EventHeaders.APPLICATION_JSON;
import static io.github.orderoutbox.model.EventHeaders.CONTENT_TYPE;
import static io.github.orderoutbox.model.EventHeaders.EVENT_VERSION;
import static io.github.orderoutbox.model.EventHeaders.ID;
import static io.github.orderoutbox.model.EventHeaders.POSITION;
import static io.github.orderoutbox.model.EventHeaders.SOURCE;
import static io.github.orderoutbox.model.EventHeaders.SPEC_VERSION;
import static io.github.orderoutbox.model.EventHeaders.SPEC_VERSION_1_0;
import static io.github.orderoutbox.model.EventHeaders.SUBJECT;
import static io.github.orderoutbox.model.EventHeaders.TIME;
import static io.github.orderoutbox.model.EventHeaders.TYPE;

import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.rejection.Violation;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The rules for the CloudEvents headers the relay writes (see {@link io.github.orderoutbox.model.EventHeaders}),
 * checked one by one so that every broken header is reported, not only the first.
 */
final class EnvelopeRules {

    /** Canonical textual UUID; {@code UUID.fromString} alone would also take {@code "1-2-3-4-5"}. */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** 1 to 2147483647 without sign or leading zeros. */
    private static final Pattern POSITIVE_INT = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern POSITIVE_LONG = Pattern.compile("[1-9][0-9]{0,18}");
    /** The same RFC 3339 profile as the schemas' {@code timestamp}. */
    private static final Pattern RFC_3339 = Pattern.compile(FieldPatterns.TIMESTAMP);

    private EnvelopeRules() {
    }

    static List<Violation> check(Function<String, String> header, JsonNode payload) {
        List<Violation> violations = new ArrayList<>(0);

        String specVersion = required(header, SPEC_VERSION, violations);
        if (specVersion != null && !SPEC_VERSION_1_0.equals(specVersion)) {
            violations.add(violation(SPEC_VERSION, "must be " + SPEC_VERSION_1_0 + ", was '" + specVersion + "'"));
        }

        String id = required(header, ID, violations);
        if (id != null && !UUID_TEXT.matcher(id).matches()) {
            violations.add(violation(ID, "must be a UUID, was '" + id + "'"));
        }

        required(header, SOURCE, violations);

        String type = required(header, TYPE, violations);
        if (type != null && EventType.find(type).isEmpty()) {
            violations.add(violation(TYPE, "unknown event type '" + type + "'"));
        }

        String version = required(header, EVENT_VERSION, violations);
        if (version != null && !isPositiveInt(version)) {
            violations.add(violation(EVENT_VERSION, "must be a positive integer, was '" + version + "'"));
        }

        String contentType = required(header, CONTENT_TYPE, violations);
        if (contentType != null && !isJson(contentType)) {
            violations.add(violation(CONTENT_TYPE, "must be " + APPLICATION_JSON + ", was '" + contentType + "'"));
        }

        String subject = required(header, SUBJECT, violations);
        if (subject != null && payload != null) {
            JsonNode orderId = payload.get("order_id");
            if (orderId == null || !orderId.isString()) {
                violations.add(violation(SUBJECT, "cannot be compared: the payload has no order_id"));
            } else if (!subject.equals(orderId.stringValue())) {
                violations.add(violation(SUBJECT, "must equal the payload's order_id '" + orderId.stringValue()
                        + "', was '" + subject + "'"));
            }
        }

        String time = header.apply(TIME);
        if (time != null && !isRfc3339(time)) {
            violations.add(violation(TIME, "must be an RFC 3339 date-time, was '" + time + "'"));
        }

        String position = header.apply(POSITION);
        if (position != null && !POSITIVE_LONG.matcher(position).matches()) {
            violations.add(violation(POSITION, "must be a positive integer, was '" + position + "'"));
        }
        return violations;
    }

    static boolean isPositiveInt(String text) {
        if (!POSITIVE_INT.matcher(text).matches()) {
            return false;
        }
        return Long.parseLong(text) <= Integer.MAX_VALUE;
    }

    /** {@code application/json}, in any case, with or without parameters such as {@code ; charset=utf-8}. */
    private static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return mediaType.toLowerCase(Locale.ROOT).equals(APPLICATION_JSON);
    }

    private static boolean isRfc3339(String text) {
        if (!RFC_3339.matcher(text).matches()) {
            return false;
        }
        // The pattern fixes every field's range but the day's, which depends on the month and the
        // year: 2026-02-30 has the right shape but is no day. Checking that from the digits costs
        // a fraction of parsing the whole date-time, which every event would pay.
        int year = Integer.parseInt(text, 0, 4, 10);
        int month = Integer.parseInt(text, 5, 7, 10);
        int day = Integer.parseInt(text, 8, 10, 10);
        return day <= YearMonth.of(year, month).lengthOfMonth();
    }

    private static String required(Function<String, String> header, String name, List<Violation> violations) {
        String value = header.apply(name);
        if (value == null || value.isBlank()) {
            violations.add(violation(name, "is required"));
            return null;
        }
        return value;
    }

    private static Violation violation(String header, String problem) {
        return new Violation(header, header + ": " + problem);
    }
}
