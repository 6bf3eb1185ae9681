package io.github.orderoutbox.testsupport.docker;

import io.github.orderoutbox.testsupport.PostgresServer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Postgres 17 in a container, with the image's superuser as admin. */
public final class ContainerPostgresServer extends ContainerServer implements PostgresServer {

    private static final String IMAGE = "postgres:17";
    private static final String ADMIN = "postgres";

    private ContainerPostgresServer() {
        super(new PostgreSQLContainer(IMAGE)
                        .withDatabaseName(ADMIN)
                        .withUsername(ADMIN)
                        .withPassword(ADMIN),
                PostgreSQLContainer.POSTGRESQL_PORT);
    }

    public static ContainerPostgresServer launch() {
        return new ContainerPostgresServer();
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
