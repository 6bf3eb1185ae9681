package io.github.orderoutbox.testsupport;

import io.github.orderoutbox.testsupport.binaries.LocalKafkaServer;
import io.github.orderoutbox.testsupport.binaries.LocalPostgresServer;
import io.github.orderoutbox.testsupport.binaries.LocalRedisServer;
import io.github.orderoutbox.testsupport.docker.ContainerKafkaServer;
import io.github.orderoutbox.testsupport.docker.ContainerPostgresServer;
import io.github.orderoutbox.testsupport.docker.ContainerRedisServer;
import io.github.orderoutbox.testsupport.environment.EnvironmentKafkaServer;
import io.github.orderoutbox.testsupport.environment.EnvironmentPostgresServer;
import io.github.orderoutbox.testsupport.environment.EnvironmentRedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The one place that gives tests real Postgres, Kafka and Redis servers. Each kind of server
 * comes, independently of the others, from the first of:
 * <ol>
 *   <li>an environment variable naming a running server ({@link #POSTGRES_URL}, {@link #KAFKA_BOOTSTRAP_SERVERS},
 *       {@link #REDIS_URL});</li>
 *   <li>Docker, through Testcontainers, when a Docker engine is reachable;</li>
 *   <li>binaries from Maven Central, each server a separate OS process owned by this JVM, as module
 *       {@code local-stack} runs them.</li>
 * </ol>
 * {@link #SERVERS} can force {@code docker} or {@code binaries}. The shared servers start on first
 * use and stay up until the JVM exits; tests must not close them. Dedicated servers are for tests
 * that stop or kill them; the caller closes them. Whatever this class started is closed by a
 * shutdown hook, so no server process outlives the JVM.
 */
public final class TestServers {

    /** A JDBC URL to an admin-capable database, e.g. {@code jdbc:postgresql://host:5432/postgres}. */
    public static final String POSTGRES_URL = "OUTBOX_TEST_POSTGRES_URL";
    public static final String POSTGRES_USER = "OUTBOX_TEST_POSTGRES_USER";
    public static final String POSTGRES_PASSWORD = "OUTBOX_TEST_POSTGRES_PASSWORD";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "OUTBOX_TEST_KAFKA_BOOTSTRAP_SERVERS";
    /** {@code redis://host:port}. */
    public static final String REDIS_URL = "OUTBOX_TEST_REDIS_URL";
    /** Optional: {@code docker} or {@code binaries} for the servers not given by the variables above. */
    public static final String SERVERS = "OUTBOX_TEST_SERVERS";

    private static final Logger LOG = LoggerFactory.getLogger(TestServers.class);
    private static final List<TestServer> STARTED = new ArrayList<>();

    private static PostgresServer postgres;
    private static KafkaServer kafka;
    private static RedisServer redis;
    private static Boolean dockerAvailable;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServers::closeAll, "test-servers-shutdown"));
    }

    private TestServers() {
    }

    /** The Postgres server shared by all tests in this JVM. */
    public static synchronized PostgresServer postgres() {
        if (postgres == null) {
            postgres = startDedicatedPostgres();
        }
        return postgres;
    }

    /** The Kafka server shared by all tests in this JVM. */
    public static synchronized KafkaServer kafka() {
        if (kafka == null) {
            kafka = startDedicatedKafka();
        }
        return kafka;
    }

    /** The Redis server shared by all tests in this JVM. */
    public static synchronized RedisServer redis() {
        if (redis == null) {
            redis = startDedicatedRedis();
        }
        return redis;
    }

    /**
     * A new Postgres server for one test, which closes it. From the environment there is no new
     * server to have: the given one is returned, and it cannot be stopped.
     */
    public static PostgresServer startDedicatedPostgres() {
        return switch (sourceOf(POSTGRES_URL)) {
            case ENV -> given(EnvironmentPostgresServer.fromJdbcUrl(environmentOr(POSTGRES_URL, ""),
                    environmentOr(POSTGRES_USER, "postgres"), environmentOr(POSTGRES_PASSWORD, "postgres")));
            case DOCKER -> started(ContainerPostgresServer::launch);
            case BINARIES -> started(LocalPostgresServer::launch);
        };
    }

    /**
     * A new Postgres server with further server settings, e.g. {@code wal_level=logical} for
     * logical replication (change data capture). A server given by the environment is returned as
     * it is: the caller checks the settings it needs (e.g. {@code SHOW wal_level}).
     */
    public static PostgresServer startDedicatedPostgres(Map<String, String> serverConfig) {
        return switch (sourceOf(POSTGRES_URL)) {
            case ENV -> startDedicatedPostgres();
            case DOCKER -> started(() -> ContainerPostgresServer.launch(serverConfig));
            case BINARIES -> started(() -> LocalPostgresServer.launch(serverConfig));
        };
    }

    /** A new Kafka server for one test, which closes it; see {@link #startDedicatedPostgres()} for the environment. */
    public static KafkaServer startDedicatedKafka() {
        return switch (sourceOf(KAFKA_BOOTSTRAP_SERVERS)) {
            case ENV -> given(new EnvironmentKafkaServer(environmentOr(KAFKA_BOOTSTRAP_SERVERS, "")));
            case DOCKER -> started(ContainerKafkaServer::launch);
            case BINARIES -> started(LocalKafkaServer::launch);
        };
    }

    /** A new Redis server for one test, which closes it; see {@link #startDedicatedPostgres()} for the environment. */
    public static RedisServer startDedicatedRedis() {
        return switch (sourceOf(REDIS_URL)) {
            case ENV -> given(EnvironmentRedisServer.fromUrl(environmentOr(REDIS_URL, "")));
            case DOCKER -> started(ContainerRedisServer::launch);
            case BINARIES -> started(LocalRedisServer::launch);
        };
    }

    /** Where each kind of server comes from in this JVM, e.g. {@code postgres=env kafka=binaries redis=binaries}. */
    public static String source() {
        return "postgres=" + sourceOf(POSTGRES_URL).label
                + " kafka=" + sourceOf(KAFKA_BOOTSTRAP_SERVERS).label
                + " redis=" + sourceOf(REDIS_URL).label;
    }

    private enum Source {
        ENV("env"), DOCKER("docker"), BINARIES("binaries");

        private final String label;

        Source(String label) {
            this.label = label;
        }
    }

    private static Source sourceOf(String endpointVariable) {
        if (isSet(endpointVariable)) {
            return Source.ENV;
        }
        String forced = environmentOr(SERVERS, "").toLowerCase(Locale.ROOT);
        return switch (forced) {
            case "docker" -> Source.DOCKER;
            case "binaries" -> Source.BINARIES;
            case "" -> isDockerAvailable() ? Source.DOCKER : Source.BINARIES;
            default -> throw new IllegalStateException(SERVERS + " must be docker or binaries, not " + forced);
        };
    }

    private static synchronized boolean isDockerAvailable() {
        if (dockerAvailable == null) {
            dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
            if (!dockerAvailable) {
                LOG.info("No Docker engine is reachable (as Testcontainers reported above); servers not given by "
                        + "environment variables run from binaries as separate processes");
            }
        }
        return dockerAvailable;
    }

    private static <S extends TestServer> S started(Supplier<S> start) {
        long startedAt = System.nanoTime();
        S server = start.get();
        synchronized (STARTED) {
            STARTED.add(server);
        }
        LOG.info("Started {} in {} ms", server, (System.nanoTime() - startedAt) / 1_000_000);
        return server;
    }

    private static <S extends TestServer> S given(S server) {
        LOG.info("Using {}", server);
        return server;
    }

    /** Newest first, as servers started later may depend on earlier ones. */
    private static void closeAll() {
        List<TestServer> servers;
        synchronized (STARTED) {
            servers = new ArrayList<>(STARTED);
        }
        for (int i = servers.size() - 1; i >= 0; i--) {
            try {
                servers.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("Could not close {} at JVM exit", servers.get(i), e);
            }
        }
    }

    private static boolean isSet(String variable) {
        String value = System.getenv(variable);
        return value != null && !value.isBlank();
    }

    private static String environmentOr(String variable, String fallback) {
        return isSet(variable) ? System.getenv(variable).trim() : fallback;
    }
}
