package io.github.orderoutbox.localstack.postgres;

import io.github.orderoutbox.localstack.process.LocalServer;
import io.github.orderoutbox.localstack.process.ServerFiles;
import io.github.orderoutbox.localstack.process.ServerProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Postgres 17 run as a child process of this JVM from zonky's binaries, with a fixed data
 * directory and port, so a stopped or killed server comes back with its data where it was.
 */
public final class LocalPostgres extends LocalServer {

    /** The database every cluster has, where the superuser connects when no other is named. */
    public static final String ADMIN_DATABASE = "postgres";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final String TEST_SUPERUSER = "postgres";

    private final PostgresBinaries binaries;
    private final int port;
    private final String superuser;
    private final String password;
    private final Map<String, String> serverConfig;

    private LocalPostgres(PostgresBinaries binaries, ServerFiles files, int port, String superuser, String password,
            Map<String, String> serverConfig) {
        super(files, START_TIMEOUT);
        this.binaries = binaries;
        this.port = port;
        this.superuser = superuser;
        this.password = password;
        this.serverConfig = Map.copyOf(serverConfig);
    }

    /**
     * For a test: a new data directory made with {@code initdb}, superuser {@code postgres} without a
     * password ({@code trust}), {@code fsync=off}, started on a free port.
     *
     * @param serverConfig further server settings, e.g. {@code wal_level=logical}; they hold across
     *                     restarts of this server too
     */
    public static LocalPostgres launch(Map<String, String> serverConfig) {
        PostgresBinaries binaries = PostgresBinaries.unpacked();
        ServerFiles files = ServerFiles.forServer("postgres", binaries.dataParent());
        binaries.initdb(files, TEST_SUPERUSER);
        LocalPostgres server = new LocalPostgres(binaries, files, ServerFiles.freePort(), TEST_SUPERUSER,
                TEST_SUPERUSER, serverConfig);
        server.start();
        return server;
    }

    /**
     * For the launcher: the cluster in {@code files}, made with {@code initdb} on its first start
     * (the superuser logs in with {@code password}, as every user does over TCP) and reused after
     * that; durable ({@code fsync=on}), on {@code port}. Not started yet.
     */
    public static LocalPostgres keptIn(ServerFiles files, int port, String superuser, String password) {
        PostgresBinaries binaries = PostgresBinaries.unpacked();
        if (!PostgresBinaries.isInitialised(files)) {
            binaries.initdb(files, superuser, password);
        }
        Map<String, String> durable = new HashMap<>();
        durable.put("fsync", "on");
        return new LocalPostgres(binaries, files, port, superuser, password, durable);
    }

    public String host() {
        return ServerFiles.LOOPBACK;
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return superuser;
    }

    /** With {@link #launch} authentication is {@code trust}; the password is only there for clients that insist on one. */
    public String password() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** A simple, unpooled data source for the superuser. */
    public PGSimpleDataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl(database));
        dataSource.setUser(superuser);
        dataSource.setPassword(password);
        return dataSource;
    }

    @Override
    public boolean isAnswering() {
        PGSimpleDataSource dataSource = dataSource(ADMIN_DATABASE);
        dataSource.setConnectTimeout(2);
        dataSource.setSocketTimeout(5);
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            return statement.execute("SELECT 1");
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    protected ServerProcess startProcess() {
        return binaries.startPostmaster(files, port, serverConfig);
    }

    /** pg_ctl's fast shutdown: sessions are ended, a checkpoint is written. */
    @Override
    protected void stopProcess(ServerProcess postmaster) {
        binaries.stop(files, "fast");
        postmaster.awaitExit(START_TIMEOUT);
    }

    /** pg_ctl's immediate shutdown: the data is deleted right after, so no checkpoint is needed. */
    @Override
    protected void endProcess(ServerProcess postmaster) {
        binaries.stop(files, "immediate");
        postmaster.awaitExit(START_TIMEOUT);
    }

    @Override
    public String toString() {
        return "Postgres at " + host() + ":" + port + " (binaries, data in " + files.dataDirectory() + ")";
    }
}
