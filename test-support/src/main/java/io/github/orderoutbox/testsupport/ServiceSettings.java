package io.github.orderoutbox.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Spring Boot settings a service of this project (the relay, the consumer) needs to run
 * against test servers, as tests and benchmarks start it: its database as the admin user,
 * migrations already applied by the caller, and Kafka. Callers add their own settings after these.
 */
public final class ServiceSettings {

    private ServiceSettings() {
    }

    /** A mutable, ordered map: {@code spring.datasource.*}, {@code spring.flyway.enabled=false}, {@code spring.kafka.bootstrap-servers}. */
    public static Map<String, String> connections(PostgresServer postgres, String database, KafkaServer kafka) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spring.datasource.url", postgres.jdbcUrl(database));
        settings.put("spring.datasource.username", postgres.adminUser());
        settings.put("spring.datasource.password", postgres.adminPassword());
        settings.put("spring.flyway.enabled", "false");
        settings.put("spring.kafka.bootstrap-servers", kafka.bootstrapServers());
        return settings;
    }
}
