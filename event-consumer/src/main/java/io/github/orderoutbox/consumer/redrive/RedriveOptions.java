package io.github.orderoutbox.consumer.redrive;

import io.github.orderoutbox.consumer.readmodel.BlockedOrderFilter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.springframework.boot.ApplicationArguments;

/**
 * The options of one redrive, read from the command line. Options without a dot in their name are
 * the command's own; a misspelt one is refused, since {@code --dryrun} silently ignored would
 * redrive for real. Names with a dot ({@code --spring.datasource.url=...}) are configuration.
 *
 * @param orderIds  only these orders; empty for any
 * @param eventType only orders whose dead-lettered event or one of whose parked events has this type
 * @param error     only orders whose block reason contains this text, ignoring case
 * @param from      only orders blocked at or after this instant
 * @param to        only orders blocked before this instant
 * @param limit     at most this many orders
 * @param dryRun    run everything, then roll back: report what would happen
 * @param help      print the usage and do nothing else
 */
public record RedriveOptions(List<String> orderIds, Optional<String> eventType, Optional<String> error,
                             Optional<Instant> from, Optional<Instant> to, OptionalInt limit, boolean dryRun,
                             boolean help) {

    static final String ORDER_ID = "order-id";
    static final String EVENT_TYPE = "event-type";
    static final String ERROR = "error";
    static final String FROM = "from";
    static final String TO = "to";
    static final String LIMIT = "limit";
    static final String DRY_RUN = "dry-run";
    static final String HELP = "help";

    private static final Set<String> OWN = Set.of(ORDER_ID, EVENT_TYPE, ERROR, FROM, TO, LIMIT, DRY_RUN, HELP);
    /** Spring Boot's own switches without a dot. */
    private static final Set<String> SPRING_SWITCHES = Set.of("debug", "trace");

    public RedriveOptions {
        orderIds = List.copyOf(orderIds);
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(limit, "limit");
    }

    /**
     * Reads the options.
     *
     * @throws IllegalArgumentException naming the option at fault
     */
    public static RedriveOptions parse(ApplicationArguments arguments) {
        if (!arguments.getNonOptionArgs().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument(s) " + arguments.getNonOptionArgs()
                    + "; options are written --name=value");
        }
        for (String name : arguments.getOptionNames()) {
            if (!name.contains(".") && !OWN.contains(name) && !SPRING_SWITCHES.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        List<String> orderIds = arguments.containsOption(ORDER_ID) ? arguments.getOptionValues(ORDER_ID) : List.of();
        if (arguments.containsOption(ORDER_ID) && (orderIds.isEmpty() || orderIds.stream().anyMatch(String::isBlank))) {
            throw new IllegalArgumentException("--order-id needs a value, as in --order-id=o-17");
        }
        Optional<Instant> from = single(arguments, FROM).map(value -> instant(FROM, value));
        Optional<Instant> to = single(arguments, TO).map(value -> instant(TO, value));
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        OptionalInt limit = single(arguments, LIMIT).map(RedriveOptions::limit).orElse(OptionalInt.empty());
        return new RedriveOptions(orderIds, single(arguments, EVENT_TYPE), single(arguments, ERROR), from, to, limit,
                flag(arguments, DRY_RUN), flag(arguments, HELP));
    }

    /** The part of the selection the database does: all but the event type, which needs the events. */
    public BlockedOrderFilter filter() {
        return new BlockedOrderFilter(orderIds, error, from, to);
    }

    /** Whether the event type, if one is asked for, is among these events' types. */
    boolean typeMatches(List<String> eventTypes) {
        return eventType.isEmpty() || eventTypes.contains(eventType.get());
    }

    private static Optional<String> single(ApplicationArguments arguments, String name) {
        if (!arguments.containsOption(name)) {
            return Optional.empty();
        }
        List<String> values = arguments.getOptionValues(name);
        if (values.size() != 1 || values.get(0).isBlank()) {
            throw new IllegalArgumentException("--" + name + " needs exactly one value, as in --" + name + "=...");
        }
        return Optional.of(values.get(0));
    }

    private static boolean flag(ApplicationArguments arguments, String name) {
        if (!arguments.containsOption(name)) {
            return false;
        }
        List<String> values = arguments.getOptionValues(name);
        if (values.isEmpty() || values.equals(List.of("true"))) {
            return true;
        }
        if (values.equals(List.of("false"))) {
            return false;
        }
        throw new IllegalArgumentException("--" + name + " takes no value (or true/false), was " + values);
    }

    private static Instant instant(String name, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--" + name + " must be an RFC 3339 time with an offset, as in "
                    + "2026-11-02T09:00:00Z or 2026-11-02T10:00:00+01:00; was '" + value + "'");
        }
    }

    private static OptionalInt limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1) {
                return OptionalInt.of(limit);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--limit must be a whole number of at least 1, was '" + value + "'");
    }
}
