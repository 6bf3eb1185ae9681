package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.testsupport.PostgresServer;
import java.time.Duration;
import java.util.Map;

/**
 * Postgres 17 run as a child process of this JVM from zonky's binaries, with a fixed data
 * directory and port, so a stopped or killed server comes back with its data where it was.
 */
public final class BinaryPostgresServer extends BinaryServer implements PostgresServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String ADMIN = "postgres";

    private final PostgresBinaries binaries;
    private final int port;
    private final Map<String, String> serverConfig;

    private BinaryPostgresServer(PostgresBinaries binaries, ServerFiles files, int port, Map<String, String> serverConfig) {
        super(files, START_TIMEOUT);
        this.binaries = binaries;
        this.port = port;
        this.serverConfig = Map.copyOf(serverConfig);
    }

    /** Creates a new data directory with {@code initdb} and starts the server on a free port. */
    public static BinaryPostgresServer launch() {
        return launch(Map.of());
    }

    /**
     * The same, with further server settings, e.g. {@code wal_level=logical}; they hold across
     * restarts of this server too.
     */
    public static BinaryPostgresServer launch(Map<String, String> serverConfig) {
        PostgresBinaries binaries = PostgresBinaries.unpacked();
        ServerFiles files = ServerFiles.forServer("postgres", binaries.dataParent());
        binaries.initdb(files);
        BinaryPostgresServer server = new BinaryPostgresServer(binaries, files, ServerFiles.freePort(), serverConfig);
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
    ServerProcess startProcess() {
        return binaries.startPostmaster(files, port, serverConfig);
    }

    /** pg_ctl's fast shutdown: sessions are ended, a checkpoint is written. */
    @Override
    void stopProcess(ServerProcess postmaster) {
        binaries.stop(files, "fast");
        postmaster.awaitExit(START_TIMEOUT);
    }

    /** pg_ctl's immediate shutdown: the data is deleted right after, so no checkpoint is needed. */
    @Override
    void endProcess(ServerProcess postmaster) {
        binaries.stop(files, "immediate");
        postmaster.awaitExit(START_TIMEOUT);
    }

    @Override
    public String toString() {
        return "Postgres at " + host() + ":" + port + " (binaries, data in " + files.dataDirectory() + ")";
    }
}
