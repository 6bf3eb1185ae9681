package io.github.orderoutbox.localstack.redis;

import io.github.orderoutbox.localstack.process.LocalServer;
import io.github.orderoutbox.localstack.process.Platform;
import io.github.orderoutbox.localstack.process.ServerFiles;
import io.github.orderoutbox.localstack.process.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.embedded.core.ExecutableProvider;

/**
 * {@code redis-server} from the embedded-redis jar, run as a child process of this JVM on a fixed
 * port. It keeps no data on disk, so a restarted server starts empty.
 */
public final class LocalRedis extends LocalServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static File executable;

    /** As docker-compose.yml runs Redis: bounded, dropping the keys nearest to expiry first. */
    private static final List<String> BOUNDED_MEMORY = List.of("--maxmemory", "256mb", "--maxmemory-policy", "volatile-ttl");

    private final int port;
    private final List<String> settings;

    private LocalRedis(ServerFiles files, int port, List<String> settings) {
        super(files, START_TIMEOUT);
        this.port = port;
        this.settings = settings;
    }

    /** For a test: a new server on a free port, started, and answering PING. */
    public static LocalRedis launch() {
        LocalRedis server = new LocalRedis(ServerFiles.forServer("redis"), ServerFiles.freePort(), List.of());
        server.start();
        return server;
    }

    /**
     * For the launcher: a server on {@code port} with its log in {@code files}, its memory bounded
     * as in docker-compose.yml. Not started yet.
     */
    public static LocalRedis keptIn(ServerFiles files, int port) {
        return new LocalRedis(files, port, BOUNDED_MEMORY);
    }

    public String host() {
        return ServerFiles.LOOPBACK;
    }

    public int port() {
        return port;
    }

    /** The server as {@code redis://host:port}. */
    public String url() {
        return "redis://" + host() + ":" + port;
    }

    /** Sends PING in the Redis protocol and expects {@code +PONG}. */
    @Override
    public boolean isAnswering() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host(), port), 1_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(5);
            return "+PONG".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    protected ServerProcess startProcess() {
        List<String> command = new ArrayList<>(List.of(
                executable().getPath(),
                "--port", Integer.toString(port),
                "--bind", ServerFiles.LOOPBACK,
                "--dir", files.dataDirectory().toString(),
                "--save", "",
                "--appendonly", "no"));
        command.addAll(settings);
        return ServerProcess.start("Redis " + files.name(), command, files.logFile());
    }

    /** SIGTERM: Redis shuts down at once, as nothing is to be saved. */
    @Override
    protected void endProcess(ServerProcess running) {
        stopProcess(running);
    }

    /** Unpacked once per JVM into a temporary file by embedded-redis. */
    private static synchronized File executable() {
        if (executable == null) {
            Platform.requireSupported();
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
