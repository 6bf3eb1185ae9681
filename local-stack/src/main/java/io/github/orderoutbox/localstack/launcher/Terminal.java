package io.github.orderoutbox.localstack.launcher;

import java.io.PrintStream;

/**
 * The launcher's output. On a terminal the status line is one line rewritten in place every
 * second, and messages are printed above it; elsewhere (CI, a pipe) the status is a plain line
 * every {@link #PLAIN_EVERY} seconds, so a log stays readable.
 */
final class Terminal {

    static final int PLAIN_EVERY = 5;

    /** Carriage return, then ANSI "erase the whole line". */
    private static final String CLEAR_LINE = "\r\033[2K";

    private final PrintStream out;
    private final boolean interactive;
    private boolean statusShown;
    private long statuses;

    Terminal(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** A terminal when both standard input and output are one (what {@link System#console()} tells). */
    static Terminal of(PrintStream out) {
        return new Terminal(out, System.console() != null);
    }

    synchronized void status(String line) {
        if (interactive) {
            out.print(CLEAR_LINE + line);
            out.flush();
            statusShown = true;
        } else if (statuses % PLAIN_EVERY == 0) {
            out.println(line);
        }
        statuses++;
    }

    synchronized void line(String message) {
        if (statusShown) {
            out.print(CLEAR_LINE);
            statusShown = false;
        }
        out.println(message);
        out.flush();
    }
}
