package io.github.orderoutbox.relay.config;

import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kafka connection under Spring Boot's standard names, so {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}
 * works without spring-kafka on the class path. {@code spring.kafka.properties.*} passes any client
 * setting through, which is how TLS and SASL are configured, for example
 * {@code spring.kafka.properties.security.protocol=SASL_SSL},
 * {@code spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512},
 * {@code spring.kafka.properties.sasl.jaas.config=...},
 * {@code spring.kafka.properties.ssl.truststore.location=...}.
 */
@Validated
@ConfigurationProperties("spring.kafka")
public record KafkaConnectionProperties(
        @DefaultValue("localhost:9092") @NotEmpty List<String> bootstrapServers,
        @DefaultValue("outbox-relay") String clientId,
        @DefaultValue Map<String, String> properties) {

    /** Client settings shared by the producer and the admin client. */
    public Map<String, Object> commonClientConfig() {
        var config = new java.util.HashMap<String, Object>(properties);
        config.put("bootstrap.servers", String.join(",", bootstrapServers));
        config.put("client.id", clientId);
        return config;
    }
}
