package io.github.orderoutbox.model.rejection;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An event whose envelope or payload breaks its contract (a schema, a CloudEvents header rule, a
 * domain invariant); it carries every violation found, and the message lists them.
 */
public class InvalidEventException extends NonRetryableEventException {

    private final List<Violation> violations;

    /**
     * @param what what was checked, e.g. {@code "OrderPlaced v1 payload"} or {@code "envelope"}
     * @param violations at least one violation
     */
    public InvalidEventException(String what, List<Violation> violations) {
        super(what + " is invalid: " + describe(violations));
        this.violations = List.copyOf(violations);
    }

    public InvalidEventException(String what, List<Violation> violations, Throwable cause) {
        super(what + " is invalid: " + describe(violations), cause);
        this.violations = List.copyOf(violations);
    }

    /** The violations found, in the order they were found; never empty. */
    public List<Violation> violations() {
        return violations;
    }

    private static String describe(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid event needs at least one violation");
        }
        return violations.stream().map(Violation::message).collect(Collectors.joining("; "));
    }
}
