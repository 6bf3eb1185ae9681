package io.github.orderoutbox.endtoend;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The README's "Without Docker": each jar started with nothing but the connection variables the
 * README names, against an empty database; everything else (topics, group, migrations, source,
 * timings) is what the jars ship with. Fails when a shipped default does not bind or does not work,
 * as {@code relay.topics} did (the relay did not start without it).
 */
class ShippedDefaultsIT extends UserPathSuite {

    private final PostgresServer postgres = TestServers.postgres();
    private final KafkaServer kafka = TestServers.kafka();
    private final RedisServer redis = TestServers.redis();
    private String database;

    @Override
    void prepareDatabase() {
        // Empty: the relay and the consumer apply their migrations themselves, as shipped.
        database = postgres.createDatabase("shipped_defaults");
    }

    @Override
    Map<String, String> relayEnvironment() {
        return connections();
    }

    @Override
    Map<String, String> consumerEnvironment() {
        Map<String, String> environment = connections();
        environment.put("SPRING_DATA_REDIS_URL", redis.url());
        return environment;
    }

    /** The README's four variables, and a free port. */
    private Map<String, String> connections() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SPRING_DATASOURCE_URL", postgres.jdbcUrl(database));
        environment.put("SPRING_DATASOURCE_USERNAME", postgres.adminUser());
        environment.put("SPRING_DATASOURCE_PASSWORD", postgres.adminPassword());
        environment.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        // The one setting the README does not name: its user has 8080 and 8081 to himself, these
        // tests share the machine with other builds. 0 takes any free port.
        environment.put("SERVER_PORT", "0");
        return environment;
    }

    @Override
    DataSource ordersService() {
        return postgres.dataSource(database);
    }

    @Override
    DataSource observer() {
        return postgres.dataSource(database);
    }

    @Override
    KafkaServer kafka() {
        return kafka;
    }
}
