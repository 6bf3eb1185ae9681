package io.github.orderoutbox.testsupport.environment;

import io.github.orderoutbox.testsupport.TestServer;

/** The lifecycle of a server this JVM does not own: it is only used, never stopped or closed. */
interface GivenEndpoint extends TestServer {

    @Override
    default String source() {
        return "env";
    }

    @Override
    default boolean canBeStopped() {
        return false;
    }

    @Override
    default void stop() {
        throw notOurs("stopped");
    }

    @Override
    default void kill() {
        throw notOurs("killed");
    }

    @Override
    default void start() {
        throw notOurs("started");
    }

    /** Leaves the server running: it belongs to whoever set the environment variable. */
    @Override
    default void close() {
    }

    private UnsupportedOperationException notOurs(String what) {
        return new UnsupportedOperationException(this + " was given by an environment variable and cannot be "
                + what + " by the tests; use ServerAssumptions.assumeStoppable(server) to skip such tests");
    }
}
