package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.process.LocalServer;
import io.github.orderoutbox.testsupport.TestServer;
import java.util.Objects;

/**
 * A server of the local stack as a test server: its process can be stopped, killed and started
 * again, so fault tests can use it. Subclasses add only how to reach the server.
 */
abstract class LocalTestServer<S extends LocalServer> implements TestServer {

    protected final S server;

    LocalTestServer(S server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    @Override
    public final String source() {
        return "binaries";
    }

    @Override
    public final boolean isAnswering() {
        return server.isAnswering();
    }

    @Override
    public final boolean canBeStopped() {
        return true;
    }

    @Override
    public final void stop() {
        server.stop();
    }

    @Override
    public final void kill() {
        server.kill();
    }

    @Override
    public final void start() {
        server.start();
    }

    @Override
    public final void close() {
        server.close();
    }

    @Override
    public final String toString() {
        return server.toString();
    }
}
