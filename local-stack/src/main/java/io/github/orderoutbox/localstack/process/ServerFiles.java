package io.github.orderoutbox.testsupport.binaries;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * Where one server keeps its data and its log, and which loopback port it listens on. Names carry
 * the JVM's pid and a counter, e.g. {@code target/test-servers/kafka-4711-2/} and
 * {@code target/test-servers/kafka-4711-2.log}, so parallel builds and dedicated servers never meet.
 */
record ServerFiles(String name, Path dataDirectory, Path logFile) {

    /** Overrides the default {@code target/test-servers} below the working directory. */
    static final String DIRECTORY_PROPERTY = "outbox.test-servers.dir";

    static final String LOOPBACK = "127.0.0.1";

    private static final int FIRST_PORT = 15_000;
    private static final int EPHEMERAL_PORTS_START = 32_768;
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Pattern SERVER_DIRECTORY = Pattern.compile("(?:postgres|kafka|redis)-(\\d+)-\\d+");
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    /** Data and log both below the work directory (under {@code target/}). */
    static ServerFiles forServer(String kind) {
        return forServer(kind, workDirectory());
    }

    /** Data below {@code dataParent}, log below the work directory. */
    static ServerFiles forServer(String kind, Path dataParent) {
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

    static Path workDirectory() {
        return Path.of(System.getProperty(DIRECTORY_PROPERTY, "target/test-servers")).toAbsolutePath();
    }

    /**
     * A loopback port that is free now; the server binds it moments later and keeps it for all its
     * restarts. It is drawn below Linux's ephemeral range (32768 and up), because while a killed
     * server is down, any outgoing connection on the machine could take an ephemeral port as its
     * source port and keep the server from binding it again.
     */
    static int freePort() {
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

    void deleteData() {
        deleteTree(dataDirectory);
    }

    static void deleteTree(Path root) {
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
