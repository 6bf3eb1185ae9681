package io.github.orderoutbox.localstack.status;

import java.time.Duration;
import java.util.Locale;

/** The one line of figures the launcher keeps on the terminal, e.g. {@code orders 1,204 | outbox waiting 3 | ...}. */
public final class StatusLine {

    private StatusLine() {
    }

    public static String format(Figures figures, Duration elapsed) {
        return "%s | orders %s | outbox waiting %s | published %s | applied %s | lag %s | dead letters %s | blocked orders %s"
                .formatted(clock(elapsed), number(figures.ordersWritten()), number(figures.waiting()),
                        number(figures.published()), number(figures.applied()), number(figures.lag()),
                        number(figures.deadLetters()), number(figures.blocked()));
    }

    static String clock(Duration elapsed) {
        long seconds = elapsed.toSeconds();
        return "%02d:%02d:%02d".formatted(seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** Thousands grouped; {@code ?} for a figure that could not be read. */
    static String number(Long value) {
        return value == null ? "?" : String.format(Locale.ROOT, "%,d", value);
    }
}
