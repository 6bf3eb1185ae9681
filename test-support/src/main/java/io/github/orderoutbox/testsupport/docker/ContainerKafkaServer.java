package io.github.orderoutbox.testsupport.docker;

import io.github.orderoutbox.testsupport.KafkaServer;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Apache Kafka in KRaft mode in a container. The advertised listener is fixed when the container
 * is first started and names the fixed host port, so it stays right across restarts.
 */
public final class ContainerKafkaServer extends ContainerServer implements KafkaServer {

    private static final String IMAGE = "apache/kafka:4.1.2";
    private static final int KAFKA_PORT = 9092;

    private final KafkaContainer container;

    private ContainerKafkaServer(KafkaContainer container) {
        super(container, KAFKA_PORT);
        this.container = container;
    }

    public static ContainerKafkaServer launch() {
        // As for the binaries: a short broker session lets a killed broker register again quickly.
        return new ContainerKafkaServer(new KafkaContainer(IMAGE)
                .withEnv("KAFKA_BROKER_HEARTBEAT_INTERVAL_MS", "500")
                .withEnv("KAFKA_BROKER_SESSION_TIMEOUT_MS", "3000"));
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers() + " (docker)";
    }
}
