package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.postgres.LocalPostgres;
import io.github.orderoutbox.testsupport.PostgresServer;
import java.util.Map;

/** The local stack's Postgres as a test server: a new cluster on a free port, its data deleted on close. */
public final class LocalPostgresServer implements PostgresServer {

    private final LocalPostgres server;

    private LocalPostgresServer(LocalPostgres server) {
        this.server = server;
    }

    /** Creates a new data directory with {@code initdb} and starts the server on a free port. */
    public static LocalPostgresServer launch() {
        return launch(Map.of());
    }

    /**
     * The same, with further server settings, e.g. {@code wal_level=logical}; they hold across
     * restarts of this server too.
     */
    public static LocalPostgresServer launch(Map<String, String> serverConfig) {
        return new LocalPostgresServer(LocalPostgres.launch(serverConfig));
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
    public String adminUser() {
        return server.superuser();
    }

    @Override
    public String adminPassword() {
        return server.password();
    }

    @Override
    public String adminDatabase() {
        return LocalPostgres.ADMIN_DATABASE;
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
