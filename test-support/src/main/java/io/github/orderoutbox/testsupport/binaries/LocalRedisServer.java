package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.redis.LocalRedis;
import io.github.orderoutbox.testsupport.RedisServer;

/** The local stack's {@code redis-server} as a test server, on a free port. */
public final class LocalRedisServer extends LocalTestServer<LocalRedis> implements RedisServer {

    private LocalRedisServer(LocalRedis server) {
        super(server);
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
}
