package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.redis.LocalRedis;
import io.github.orderoutbox.testsupport.RedisServer;

/** The local stack's {@code redis-server} as a test server, on a free port. */
public final class LocalRedisServer implements RedisServer {

    private final LocalRedis server;

    private LocalRedisServer(LocalRedis server) {
        this.server = server;
    }

    /** Starts a new server on a free port and waits until it answers PING. */
    public static LocalRedisServer launch() {
        return new LocalRedisServer(LocalRedis.launch());
    }

    @Override
    public String host() {
        return server.host();
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public String source() {
        return "binaries";
    }

    @Override
    public boolean isAnswering() {
        return server.isAnswering();
    }

    @Override
    public boolean canBeStopped() {
        return true;
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void kill() {
        server.kill();
    }

    @Override
    public void start() {
        server.start();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return server.toString();
    }
}
