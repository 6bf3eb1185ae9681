package io.github.orderoutbox.testsupport.environment;

import io.github.orderoutbox.testsupport.KafkaServer;

/** A Kafka cluster given by its bootstrap servers. */
public record EnvironmentKafkaServer(String bootstrapServers) implements KafkaServer, GivenEndpoint {

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers + " (env)";
    }
}
