package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.postgres.LocalPostgres;
import io.github.orderoutbox.testsupport.PostgresServer;
import java.util.Map;

/** The local stack's Postgres as a test server: a new cluster on a free port, its data deleted on close. */
public final class LocalPostgresServer extends LocalTestServer<LocalPostgres> implements PostgresServer {

    private LocalPostgresServer(LocalPostgres server) {
        super(server);
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
}
