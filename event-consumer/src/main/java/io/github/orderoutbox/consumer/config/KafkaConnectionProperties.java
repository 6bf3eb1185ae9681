package io.github.orderoutbox.consumer.config;

import jakarta.validation.constraints.NotEmpty;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka connection under Spring Boot's standard names, so {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}
 * works without spring-kafka on the class path. {@code spring.kafka.properties.*} passes any client
 * setting to the consumer, the dead-letter producer and the admin client alike; that is how TLS
 * and SASL are set, e.g. {@code spring.kafka.properties.security.protocol=SASL_SSL}.
 */
@Validated
@ConfigurationProperties("spring.kafka")
public record KafkaConnectionProperties(
        @DefaultValue("localhost:9092") @NotEmpty List<String> bootstrapServers,
        @DefaultValue("event-consumer") String clientId,
        @DefaultValue Map<String, String> properties) {

    /** Client settings every client of the consumer shares. */
    public Map<String, Object> commonClientConfig() {
        Map<String, Object> config = new HashMap<>(properties);
        config.put("bootstrap.servers", String.join(",", bootstrapServers));
        config.put("client.id", clientId);
        return config;
    }
}
