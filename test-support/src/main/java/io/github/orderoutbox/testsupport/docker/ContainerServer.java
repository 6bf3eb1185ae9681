package io.github.orderoutbox.testsupport.docker;

import com.github.dockerjava.api.DockerClient;
import io.github.orderoutbox.testsupport.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The lifecycle shared by the container servers. The service port is bound to a fixed host port,
 * so that after a Docker stop or kill the restarted container answers on the same address; the
 * container itself (and so its data) stays until {@link #close()}.
 */
abstract class ContainerServer implements TestServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int STOP_TIMEOUT_SECONDS = 30;

    private final GenericContainer<?> container;
    private final int hostPort;

    ContainerServer(GenericContainer<?> container, int containerPort) {
        this.container = container;
        this.hostPort = freeLocalPort();
        container.setPortBindings(List.of(hostPort + ":" + containerPort));
        container.start();
    }

    final String containerHost() {
        return container.getHost();
    }

    final int hostPort() {
        return hostPort;
    }

    @Override
    public final String source() {
        return "docker";
    }

    @Override
    public final boolean canBeStopped() {
        return true;
    }

    @Override
    public final void stop() {
        docker().stopContainerCmd(container.getContainerId()).withTimeout(STOP_TIMEOUT_SECONDS).exec();
    }

    /** Docker's kill sends SIGKILL to the container's main process. */
    @Override
    public final void kill() {
        docker().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public final void start() {
        Boolean running = docker().inspectContainerCmd(container.getContainerId()).exec().getState().getRunning();
        if (!Boolean.TRUE.equals(running)) {
            docker().startContainerCmd(container.getContainerId()).exec();
        }
        awaitAnswering(START_TIMEOUT);
    }

    /** Stops and removes the container together with its data. */
    @Override
    public final void close() {
        container.stop();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private static int freeLocalPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for a container", e);
        }
    }
}
