package io.github.orderoutbox.localstack.services;

import io.github.orderoutbox.localstack.database.DatabaseUsers;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment each service gets: exactly what docker-compose.yml gives it, with only the
 * endpoints (servers on the loopback instead of compose's host names) and {@code SERVER_PORT}
 * different. Nothing else is set, so every other setting is the jar's shipped default.
 */
public final class ServiceEnvironment {

    private ServiceEnvironment() {
    }

    public static final String RELAY_ADMIN_PASSWORD = "RELAY_ADMIN_PASSWORD";
    public static final String CONSUMER_ADMIN_PASSWORD = "CONSUMER_ADMIN_PASSWORD";
    /** docker-compose.yml's default too: a local stack is for trying things, never for production. */
    public static final String DEVELOPMENT_OPERATOR_PASSWORD = "admin-dev-only";

    /** The operator's password from the caller's environment variable, else the development-only default. */
    public static String operatorPassword(String variable) {
        String given = System.getenv(variable);
        return given == null || given.isBlank() ? DEVELOPMENT_OPERATOR_PASSWORD : given;
    }

    /** How the banner names the password without printing one the caller chose. */
    public static String operatorPasswordHint(String variable) {
        String given = System.getenv(variable);
        return given == null || given.isBlank() ? DEVELOPMENT_OPERATOR_PASSWORD + " (set $" + variable + " to change it)"
                : "$" + variable;
    }

    public static Map<String, String> of(Service service, Endpoints endpoints, int port, DemoSettings demo) {
        return switch (service) {
            case RELAY -> relay(endpoints, port);
            case CONSUMER -> consumer(endpoints, port);
            case DEMO -> demo(endpoints, port, demo);
        };
    }

    /**
     * As compose's {@code outbox-relay}: the relay as {@code relay_app}, migrations as the owner,
     * twelve partitions for {@code orders.events}, and the operator's password as compose gives it:
     * the caller's own {@code RELAY_ADMIN_PASSWORD}, else the development-only default.
     */
    static Map<String, String> relay(Endpoints endpoints, int port) {
        Map<String, String> environment = database(endpoints, DatabaseUsers.RELAY);
        environment.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", endpoints.kafkaBootstrapServers());
        environment.put("RELAY_TOPIC_PARTITIONS", "12");
        environment.put(RELAY_ADMIN_PASSWORD, operatorPassword(RELAY_ADMIN_PASSWORD));
        environment.put("SERVER_PORT", Integer.toString(port));
        return environment;
    }

    /**
     * As compose's {@code event-consumer}: the consumer as {@code event_consumer_app}, migrations as
     * the owner, the operator's password as for the relay.
     */
    static Map<String, String> consumer(Endpoints endpoints, int port) {
        Map<String, String> environment = database(endpoints, DatabaseUsers.CONSUMER);
        environment.put(CONSUMER_ADMIN_PASSWORD, operatorPassword(CONSUMER_ADMIN_PASSWORD));
        environment.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", endpoints.kafkaBootstrapServers());
        environment.put("SPRING_DATA_REDIS_URL", endpoints.redisUrl());
        environment.put("SERVER_PORT", Integer.toString(port));
        return environment;
    }

    /** The demo orders service as {@code orders_app}, its own tables migrated as the owner, at the chosen rate. */
    static Map<String, String> demo(Endpoints endpoints, int port, DemoSettings demo) {
        Map<String, String> environment = database(endpoints, DatabaseUsers.WRITER);
        environment.put("SERVER_PORT", Integer.toString(port));
        environment.put("DEMO_RATE", Integer.toString(demo.rate()));
        environment.put("DEMO_ORDERS", Long.toString(demo.orders()));
        environment.put("DEMO_POISON_EVERY", Long.toString(demo.poisonEvery()));
        return environment;
    }

    private static Map<String, String> database(Endpoints endpoints, DatabaseUsers user) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPRING_DATASOURCE_URL", endpoints.jdbcUrl());
        environment.put("SPRING_DATASOURCE_USERNAME", user.user());
        environment.put("SPRING_DATASOURCE_PASSWORD", user.password());
        environment.put("SPRING_FLYWAY_USER", DatabaseUsers.OWNER.user());
        environment.put("SPRING_FLYWAY_PASSWORD", DatabaseUsers.OWNER.password());
        return environment;
    }

    /** What the demo writes: orders per second, how many in all (0: without end), a poison event every n orders (0: never). */
    public record DemoSettings(int rate, long orders, long poisonEvery) {
    }
}
