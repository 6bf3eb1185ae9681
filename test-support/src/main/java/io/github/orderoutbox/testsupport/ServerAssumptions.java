package io.github.orderoutbox.testsupport;

import org.junit.jupiter.api.Assumptions;

/** JUnit assumptions about test servers, for fault tests that stop or kill a server. */
public final class ServerAssumptions {

    private ServerAssumptions() {
    }

    /** Skips the calling test unless the server can be stopped, killed and started from the tests. */
    public static void assumeStoppable(TestServer server) {
        Assumptions.assumeTrue(server.canBeStopped(),
                () -> server + " was given by the environment and cannot be stopped from the tests");
    }
}
