package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.testsupport.RedisServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import redis.embedded.core.ExecutableProvider;

/**
 * {@code redis-server} from the embedded-redis jar, run as a child process of this JVM on a fixed
 * port. It keeps no data on disk, so a restarted server starts empty.
 */
public final class BinaryRedisServer extends BinaryServer implements RedisServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static File executable;

    private final int port;

    private BinaryRedisServer(ServerFiles files, int port) {
        super(files, START_TIMEOUT);
        this.port = port;
    }

    /** Starts a new server on a free port and waits until it answers PING. */
    public static BinaryRedisServer launch() {
        BinaryRedisServer server = new BinaryRedisServer(ServerFiles.forServer("redis"), ServerFiles.freePort());
        server.start();
        return server;
    }

    @Override
    public String host() {
        return ServerFiles.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    ServerProcess startProcess() {
        return ServerProcess.start("Redis " + files.name(), List.of(
                        executable().getPath(),
                        "--port", Integer.toString(port),
                        "--bind", ServerFiles.LOOPBACK,
                        "--dir", files.dataDirectory().toString(),
                        "--save", "",
                        "--appendonly", "no"),
                files.logFile());
    }

    /** SIGTERM: Redis shuts down at once, as nothing is to be saved. */
    @Override
    void endProcess(ServerProcess running) {
        stopProcess(running);
    }

    /** Unpacked once per JVM into a temporary file by embedded-redis. */
    private static synchronized File executable() {
        if (executable == null) {
            try {
                executable = ExecutableProvider.newJarResourceProvider().get();
            } catch (IOException e) {
                throw new UncheckedIOException("could not unpack redis-server", e);
            }
        }
        return executable;
    }

    @Override
    public String toString() {
        return "Redis at " + url() + " (binaries)";
    }
}
