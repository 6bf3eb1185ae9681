package io.github.orderoutbox.testsupport.docker;

import io.github.orderoutbox.testsupport.RedisServer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/** Redis 7 in a container. */
public final class ContainerRedisServer extends ContainerServer implements RedisServer {

    private static final DockerImageName IMAGE = DockerImageName.parse("redis:7");
    private static final int REDIS_PORT = 6379;

    private ContainerRedisServer() {
        super(new GenericContainer<>(IMAGE).withExposedPorts(REDIS_PORT), REDIS_PORT);
    }

    public static ContainerRedisServer launch() {
        return new ContainerRedisServer();
    }

    @Override
    public String host() {
        return containerHost();
    }

    @Override
    public int port() {
        return hostPort();
    }

    @Override
    public String toString() {
        return "Redis at " + url() + " (docker)";
    }
}
