package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker compose up} without Docker: each service gets exactly the environment
 * docker-compose.yml gives it (its least-privilege login user, the owner for Flyway, its
 * passwords), against a Postgres prepared as the compose {@code postgres} service prepares its own
 * (the image's owner and database, deploy/postgres-init.sh's roles), and the orders service writes
 * as {@code orders_app}, which has nothing but {@code outbox_writer}. Only the compose hostnames
 * become the test servers' addresses.
 */
class ComposeEnvironmentIT extends UserPathSuite {

    /** A compose hostname and port left in a value after {@link #reachable}: one this test cannot serve. */
    private static final Pattern COMPOSE_ENDPOINT = Pattern.compile("\\b(postgres|kafka|redis):\\d+");

    private final Path projectRoot = Path.of(System.getProperty("project.root", ".."));
    private final KafkaServer kafka = TestServers.kafka();
    private final RedisServer redis = TestServers.redis();
    private PostgresServer postgres;
    private ComposeFile compose;
    private ComposePostgres database;

    @Override
    void prepareDatabase() throws Exception {
        compose = ComposeFile.read(projectRoot.resolve("docker-compose.yml"));
        // The roles are the cluster's and the SQL creates them unconditionally, as on a new volume:
        // this needs a Postgres of its own.
        postgres = TestServers.startDedicatedPostgres();
        Assumptions.assumeTrue(postgres.canBeStopped(),
                () -> postgres + " was given by the environment; the compose roles need a server of their own");
        database = new ComposePostgres(postgres, compose.environment("postgres"), projectRoot);
        database.initialise();
    }

    @Override
    void release() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    Map<String, String> relayEnvironment() {
        return reachable(compose.environment("outbox-relay-1"));
    }

    @Override
    Map<String, String> consumerEnvironment() {
        return reachable(compose.environment("event-consumer-1"));
    }

    /**
     * The compose service's environment, its values verbatim but for the compose network's
     * addresses, and a free port.
     */
    private Map<String, String> reachable(Map<String, String> composeEnvironment) {
        Map<String, String> environment = new LinkedHashMap<>();
        composeEnvironment.forEach((name, value) -> environment.put(name, value
                .replace("postgres:5432", postgres.host() + ":" + postgres.port())
                .replace("kafka:9092", kafka.bootstrapServers())
                .replace("redis:6379", redis.host() + ":" + redis.port())));
        environment.forEach((name, value) -> assertThat(COMPOSE_ENDPOINT.matcher(value).find())
                .as("%s=%s names a compose address this test does not replace", name, value).isFalse());
        // Not in compose, where each container has its port to itself; here other builds run beside.
        assertThat(environment).doesNotContainKey("SERVER_PORT");
        environment.put("SERVER_PORT", "0");
        return environment;
    }

    @Test
    void shipsAsDefaultDatabaseUsersTheLoginUsersComposeGivesAndCreates() throws IOException {
        String roles = Files.readString(projectRoot.resolve("deploy/postgres-roles.sql"), StandardCharsets.UTF_8);
        for (String[] service : new String[][] {{"outbox-relay-1", "outbox-relay"}, {"event-consumer-1", "event-consumer"}}) {
            String shipped = defaultDatabaseUser(service[1]);
            assertThat(shipped).as("spring.datasource.username in %s's application.yml", service[1])
                    .isEqualTo(compose.environment(service[0]).get("SPRING_DATASOURCE_USERNAME"));
            assertThat(roles).as("deploy/postgres-roles.sql").contains("CREATE ROLE " + shipped + " LOGIN");
        }
    }

    @Test
    void asksTheLoginUsersForTheirPasswordsAsThePostgresImageDoes() {
        // Else the environment's passwords would be proven by nothing: the test server trusts all.
        assertThatThrownBy(() -> {
            try (Connection connection = database.dataSource("relay_app", "not-its-password").getConnection()) {
                connection.isValid(1);
            }
        }).isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    @SuppressWarnings("unchecked")
    private String defaultDatabaseUser(String module) throws IOException {
        try (Reader reader = Files.newBufferedReader(
                projectRoot.resolve(module + "/src/main/resources/application.yml"), StandardCharsets.UTF_8)) {
            Map<String, Object> spring = (Map<String, Object>) new Yaml().<Map<String, Object>>load(reader).get("spring");
            return (String) ((Map<String, Object>) spring.get("datasource")).get("username");
        }
    }

    @Override
    DataSource ordersService() {
        Map<String, String> postgresEnvironment = compose.environment("postgres");
        return database.dataSource("orders_app", postgresEnvironment.get("WRITER_DB_PASSWORD"));
    }

    @Override
    DataSource observer() {
        return database.dataSource(database.owner(), compose.environment("postgres").get("POSTGRES_PASSWORD"));
    }

    @Override
    KafkaServer kafka() {
        return kafka;
    }
}
