package io.github.orderoutbox.testsupport;

import java.time.Duration;

/**
 * The lifecycle that every test server shares: a server can be probed and, unless it was given
 * by the environment, stopped, killed and started again on the same address with its data.
 */
public interface TestServer extends AutoCloseable {

    /** Where the server comes from: {@code env}, {@code docker} or {@code binaries}. */
    String source();

    /** Sends one cheap request (a query, a cluster description, a PING) and tells whether it was answered. */
    boolean isAnswering();

    /** False for servers given by the environment: this JVM does not own them. */
    boolean canBeStopped();

    /** Shuts the server down gracefully; its data is kept for {@link #start()}. */
    void stop();

    /** Kills the server process with SIGKILL, as a crash would; its data is kept for {@link #start()}. */
    void kill();

    /** Starts the server again on the same host and port with the same data, and waits until it answers. */
    void start();

    /** Stops the server for good and deletes its data; for a server given by the environment this does nothing. */
    @Override
    void close();

    /** Waits until {@link #isAnswering()}, failing with {@link IllegalStateException} after {@code timeout}. */
    default void awaitAnswering(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isAnswering()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(this + " did not answer within " + timeout);
            }
            pauseBetweenProbes();
        }
    }

    private static void pauseBetweenProbes() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server to answer", e);
        }
    }
}
