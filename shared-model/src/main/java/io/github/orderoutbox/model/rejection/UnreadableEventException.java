package io.github.orderoutbox.model.rejection;

/** A payload whose bytes are not one well-formed JSON document (truncated, not UTF-8, a key given twice). */
public class UnreadableEventException extends NonRetryableEventException {

    public UnreadableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
