package io.github.orderoutbox.consumer.replay;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.springframework.boot.ApplicationArguments;

/**
 * The options of {@code replay}.
 *
 * @param from   orders with a record at or after this time are rebuilt (compared with the records'
 *               Kafka timestamps, the time the relay published them)
 * @param dryRun do everything, report, then roll back
 * @param force  replay even while the consumer group has active members
 */
record ReplayOptions(Instant from, boolean dryRun, boolean force) {

    /** Thrown for options that are missing or malformed; the command prints its usage and exits 2. */
    static final class BadOptionsException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        BadOptionsException(String message) {
            super(message);
        }
    }

    static ReplayOptions parse(ApplicationArguments arguments) {
        List<String> from = arguments.getOptionValues("from");
        if (from == null || from.size() != 1 || from.get(0) == null || from.get(0).isBlank()) {
            throw new BadOptionsException("--from=<RFC 3339 time> is required once, e.g. --from=2026-11-02T09:00:00Z");
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(from.get(0).trim(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadOptionsException("--from must be an RFC 3339 time with an offset, such as"
                    + " 2026-11-02T09:00:00Z or 2026-11-02T10:00:00+01:00; was '" + from.get(0) + "'");
        }
        return new ReplayOptions(instant, flag(arguments, "dry-run"), flag(arguments, "force"));
    }

    /** A flag is given bare ({@code --dry-run}); {@code --dry-run=false} turns it off. */
    private static boolean flag(ApplicationArguments arguments, String name) {
        if (!arguments.containsOption(name)) {
            return false;
        }
        List<String> values = arguments.getOptionValues(name);
        return values.isEmpty() || values.stream().noneMatch("false"::equalsIgnoreCase);
    }
}
