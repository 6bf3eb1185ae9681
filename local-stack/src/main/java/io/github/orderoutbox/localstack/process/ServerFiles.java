package io.github.orderoutbox.localstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where one server keeps its data and its log, and which loopback port it listens on. A test's
 * servers get names that carry the JVM's pid and a counter, e.g. {@code target/test-servers/kafka-4711-2/}
 * and {@code target/test-servers/kafka-4711-2.log}, so parallel builds and dedicated servers never
 * meet; the launcher's servers get fixed places under its data directory, kept from one run to the next.
 */
public record ServerFiles(String name, Path dataDirectory, Path logFile) {

    /** Overrides the default {@code target/test-servers} below the working directory. */
    public static final String DIRECTORY_PROPERTY = "outbox.test-servers.dir";

    public static final String LOOPBACK = "127.0.0.1";

    private static final int FIRST_PORT = 15_000;
    private static final int EPHEMERAL_PORTS_START = 32_768;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern SERVER_DIRECTORY = Pattern.compile("(?:postgres|kafka|redis)-(\\d+)-\\d+");
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    /** Data and log both below the work directory (under {@code target/}). */
    public static ServerFiles forServer(String kind) {
        return forServer(kind, workDirectory());
    }

    /** Data below {@code dataParent}, log below the work directory. */
    public static ServerFiles forServer(String kind, Path dataParent) {
        String name = kind + "-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Path logDirectory = workDirectory();
        try {
            Files.createDirectories(logDirectory);
            Files.createDirectories(dataParent);
            deleteDataOfDeadJvms(dataParent);
            return new ServerFiles(name, Files.createDirectory(dataParent.resolve(name)), logDirectory.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the directory of " + name, e);
        }
    }

    /**
     * A JVM that was killed could not close its servers; their data directories, e.g.
     * {@code postgres-4711-1} of the gone JVM 4711, are deleted when the next JVM gets here. Logs stay.
     */
    private static void deleteDataOfDeadJvms(Path dataParent) {
        if (!SWEPT.add(dataParent)) {
            return;
        }
        try (Stream<Path> children = Files.list(dataParent)) {
            children.filter(Files::isDirectory).forEach(directory -> {
                Matcher matcher = SERVER_DIRECTORY.matcher(directory.getFileName().toString());
                if (matcher.matches() && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty()) {
                    deleteTree(directory);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // Only tidying up: another JVM may be deleting the same leftovers at this moment.
        }
    }

    /**
     * A fixed place that outlives this JVM, as the launcher keeps its servers' data: the data
     * directory is created when missing and kept when present.
     */
    public static ServerFiles kept(String name, Path dataDirectory, Path logFile) {
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            return new ServerFiles(name, dataDirectory.toAbsolutePath(), logFile.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the directory of " + name + ": " + dataDirectory, e);
        }
    }

    public static Path workDirectory() {
        return Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/test-servers")).toAbsolutePath();
    }

    /**
     * A loopback port that is free now; the server binds it moments later and keeps it for all its
     * restarts. It is drawn below Linux's ephemeral range (32768 and up), because while a killed
     * server is down, any outgoing connection on the machine could take an ephemeral port as its
     * source port and keep the server from binding it again.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(FIRST_PORT, EPHEMERAL_PORTS_START);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), candidate));
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free loopback port between " + FIRST_PORT + " and " + EPHEMERAL_PORTS_START);
    }

    /**
     * Whether a server could take this loopback port now: it can be bound, and nothing answers on
     * it. The second check catches a server listening on all interfaces, which macOS lets a
     * loopback bind share.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
        } catch (IOException taken) {
            return false;
        }
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 500);
            return false;
        } catch (IOException nobodyAnswers) {
            return true;
        }
    }

    void deleteData() {
        deleteTree(dataDirectory);
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException failure) throws IOException {
                    Files.delete(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
