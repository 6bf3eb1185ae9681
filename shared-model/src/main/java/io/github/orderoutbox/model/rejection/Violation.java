package io.github.orderoutbox.model.rejection;

import java.util.Objects;

/**
 * One reason an event is invalid: the field it concerns and what is wrong with it.
 *
 * <p>{@code field} is a JSON path into the payload ({@code $.items[0].quantity}, {@code $} for the
 * whole payload) or, for the envelope, the header name ({@code ce_id}). {@code message} is a
 * sentence for people that names the field again, so it can be logged or put in a dead-letter
 * header on its own, e.g. {@code "$.items[0].quantity: must have a minimum value of 1"}.
 */
public record Violation(String field, String message) {

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return message;
    }
}
