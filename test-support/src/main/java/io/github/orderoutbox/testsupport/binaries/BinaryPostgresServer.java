package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.testsupport.PostgresServer;
import java.time.Duration;

/**
 * Postgres 17 run as a child process of this JVM from zonky's binaries, with a fixed data
 * directory and port, so a stopped or killed server comes back with its data where it was.
 */
public final class BinaryPostgresServer implements PostgresServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String ADMIN = "postgres";

    private final PostgresBinaries binaries;
    private final ServerFiles files;
    private final int port;
    private ServerProcess postmaster;
    private boolean closed;

    private BinaryPostgresServer(PostgresBinaries binaries, ServerFiles files, int port) {
        this.binaries = binaries;
        this.files = files;
        this.port = port;
    }

    /** Creates a new data directory with {@code initdb} and starts the server on a free port. */
    public static BinaryPostgresServer launch() {
        PostgresBinaries binaries = PostgresBinaries.unpacked();
        ServerFiles files = ServerFiles.forServer("postgres", binaries.dataParent());
        binaries.initdb(files);
        BinaryPostgresServer server = new BinaryPostgresServer(binaries, files, ServerFiles.freePort());
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
    public String adminUser() {
        return ADMIN;
    }

    /** Authentication is {@code trust}; the password is only there for clients that insist on one. */
    @Override
    public String adminPassword() {
        return ADMIN;
    }

    @Override
    public String adminDatabase() {
        return ADMIN;
    }

    @Override
    public String source() {
        return "binaries";
    }

    @Override
    public boolean canBeStopped() {
        return true;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (isRunning()) {
            return;
        }
        postmaster = binaries.startPostmaster(files, port);
        postmaster.awaitAnswering(this, START_TIMEOUT);
    }

    @Override
    public synchronized void stop() {
        if (isRunning()) {
            binaries.stop(files, "fast");
            postmaster.awaitExit(START_TIMEOUT);
        }
    }

    @Override
    public synchronized void kill() {
        if (isRunning()) {
            postmaster.kill();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (isRunning()) {
            binaries.stop(files, "immediate");
            postmaster.awaitExit(START_TIMEOUT);
        }
        files.deleteData();
    }

    private boolean isRunning() {
        return postmaster != null && postmaster.isAlive();
    }

    @Override
    public String toString() {
        return "Postgres at " + host() + ":" + port + " (binaries, data in " + files.dataDirectory() + ")";
    }
}
