package io.github.orderoutbox.testsupport.environment;

import io.github.orderoutbox.testsupport.RedisServer;
import java.net.URI;

/** A Redis server given as {@code redis://host:port}; the URL is handed on unchanged. */
public record EnvironmentRedisServer(String host, int port, String url) implements RedisServer, GivenEndpoint {

    private static final int DEFAULT_PORT = 6379;

    public static EnvironmentRedisServer fromUrl(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not a redis://host:port URL: " + url);
        }
        return new EnvironmentRedisServer(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), url);
    }

    @Override
    public String toString() {
        return "Redis at " + host + ":" + port + " (env)";
    }
}
