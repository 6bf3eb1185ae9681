package io.github.orderoutbox.localstack.launcher;

import io.github.orderoutbox.localstack.database.DatabaseUsers;
import io.github.orderoutbox.localstack.services.Endpoints;
import io.github.orderoutbox.localstack.services.RunningService;
import io.github.orderoutbox.localstack.services.Service;
import io.github.orderoutbox.localstack.services.ServiceEnvironment;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the launcher prints once: where everything is, and how to look at it. */
final class Banner {

    static final String READ_MODEL_QUERY =
            "SELECT order_id, status, total, currency, updated_at FROM read_model.order_summary ORDER BY updated_at DESC LIMIT 10";

    private Banner() {
    }

    static void ready(Terminal terminal, LaunchSettings settings, Endpoints endpoints, List<RunningService> relays,
            List<RunningService> consumers, RunningService demo, long seconds) {
        StringBuilder text = new StringBuilder();
        text.append("Ready in %d s: %d relay(s), %d consumer(s), the demo writing %d orders/s%s.%n".formatted(seconds,
                relays.size(), consumers.size(), settings.demo().rate(),
                settings.demo().orders() > 0 ? " until " + settings.demo().orders() + " orders" : ""));
        for (RunningService relay : relays) {
            text.append("  %-11s health %s  metrics %s%n".formatted(relay.name(), relay.url("/actuator/health"),
                    relay.url("/actuator/prometheus")));
            text.append("  %-11s admin  %s (user admin, password %s)%n".formatted("",
                    relay.url("/actuator/outbox"), ServiceEnvironment.operatorPasswordHint(ServiceEnvironment.RELAY_ADMIN_PASSWORD)));
        }
        for (RunningService consumer : consumers) {
            text.append("  %-11s health %s  metrics %s%n".formatted(consumer.name(), consumer.url("/actuator/health"),
                    consumer.url("/actuator/prometheus")));
            text.append("  %-11s health details as user admin, password %s%n".formatted("",
                    ServiceEnvironment.operatorPasswordHint(ServiceEnvironment.CONSUMER_ADMIN_PASSWORD)));
        }
        text.append("  %-11s status %s  metrics %s%n".formatted(demo.name(), demo.url("/demo/status"), demo.url("/actuator/prometheus")));
        text.append("  %-11s poison curl -X POST %s (or type p + Enter)%n".formatted("", demo.url("/demo/poison")));
        text.append("  %-11s psql \"%s\" -c \"%s\"%n".formatted("read model", psqlUrl(endpoints), READ_MODEL_QUERY));
        text.append("  %-11s JDBC %s  user %s  password %s%n".formatted("", endpoints.jdbcUrl(),
                DatabaseUsers.OWNER.user(), DatabaseUsers.OWNER.password()));
        text.append("  %-11s type r + Enter, or: %s%n".formatted("redrive", Commands.redriveCommandLine(settings, endpoints)));
        text.append("  %-11s %s, topics orders.events and orders.events.dlq; Redis %s%n".formatted("Kafka",
                endpoints.kafkaBootstrapServers(), endpoints.redisUrl()));
        text.append("  %-11s %s%n".formatted("logs", settings.logDirectory()));
        text.append("Ctrl-C (or q + Enter) stops everything.");
        terminal.line(text.toString());
    }

    /** The environment of each service, to paste into an IDE's run configuration. */
    static String serverSettings(LaunchSettings settings, Endpoints endpoints) {
        StringBuilder text = new StringBuilder("Servers ready. Run the services from your IDE with these environment variables"
                + " (the same as ./run and docker-compose.yml give them):\n");
        Map<Service, Integer> ports = Map.of(Service.RELAY, settings.relayPort(1), Service.CONSUMER, settings.consumerPort(1),
                Service.DEMO, settings.demoPort());
        for (Service service : Service.values()) {
            Map<String, String> environment = ServiceEnvironment.of(service, endpoints, ports.get(service), settings.demo());
            text.append("\n").append(service.module()).append(":\n");
            environment.forEach((name, value) -> text.append("  ").append(name).append('=').append(value).append('\n'));
            text.append("  one line: ").append(environment.entrySet().stream()
                    .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(Collectors.joining(";"))).append('\n');
        }
        text.append("\nPostgres as the owner: psql \"").append(psqlUrl(endpoints)).append("\"  or JDBC ")
                .append(endpoints.jdbcUrl()).append("  user ").append(DatabaseUsers.OWNER.user())
                .append("  password ").append(DatabaseUsers.OWNER.password()).append('\n');
        text.append("Kafka ").append(endpoints.kafkaBootstrapServers()).append(", Redis ").append(endpoints.redisUrl()).append('\n');
        text.append("Ctrl-C stops the servers.");
        return text.toString();
    }

    static String psqlUrl(Endpoints endpoints) {
        return "postgresql://%s:%s@%s:%d/%s".formatted(DatabaseUsers.OWNER.user(), DatabaseUsers.OWNER.password(),
                endpoints.host(), endpoints.postgresPort(), DatabaseUsers.DATABASE);
    }
}
