package io.github.orderoutbox.relay.publish;

/**
 * A row that cannot be published as it is (no topic for its type, too large, malformed headers,
 * topic missing). It is retried with backoff, in case configuration changes, and parked at last.
 */
public class UnpublishableRowException extends Exception {

    public UnpublishableRowException(String message) {
        super(message);
    }
}
