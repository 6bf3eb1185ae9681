package io.github.orderoutbox.testsupport.docker;

import io.github.orderoutbox.testsupport.PostgresServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Postgres 17 in a container, with the image's superuser as admin. */
public final class ContainerPostgresServer extends ContainerServer implements PostgresServer {

    private static final String IMAGE = "postgres:17";
    private static final String ADMIN = "postgres";

    private ContainerPostgresServer(Map<String, String> serverConfig) {
        super(withSettings(new PostgreSQLContainer(IMAGE)
                        .withDatabaseName(ADMIN)
                        .withUsername(ADMIN)
                        .withPassword(ADMIN), serverConfig),
                PostgreSQLContainer.POSTGRESQL_PORT);
    }

    public static ContainerPostgresServer launch() {
        return new ContainerPostgresServer(Map.of());
    }

    /** The same, with further server settings, e.g. {@code wal_level=logical}. */
    public static ContainerPostgresServer launch(Map<String, String> serverConfig) {
        return new ContainerPostgresServer(serverConfig);
    }

    /** The image's default command ({@code postgres -c fsync=off}) plus a {@code -c} per setting; unchanged without any. */
    private static PostgreSQLContainer withSettings(PostgreSQLContainer container, Map<String, String> serverConfig) {
        if (serverConfig.isEmpty()) {
            return container;
        }
        List<String> command = new ArrayList<>(List.of("postgres", "-c", "fsync=off"));
        serverConfig.forEach((name, value) -> command.addAll(List.of("-c", name + "=" + value)));
        return container.withCommand(command.toArray(String[]::new));
    }

    @Override
    public String host() {
        return containerHost();
    }

    @Override
    public int port() {
        return hostPort();
    }

    @Override
    public String adminUser() {
        return ADMIN;
    }

    @Override
    public String adminPassword() {
        return ADMIN;
    }

    @Override
    public String adminDatabase() {
        return ADMIN;
    }

    @Override
    public String toString() {
        return "Postgres at " + host() + ":" + port() + " (docker)";
    }
}
