package io.github.orderoutbox.testsupport;

/** A real Kafka cluster of one broker; topics are created with replication factor 1. */
public interface KafkaServer extends TestServer {

    /** The {@code host:port} list for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Creates a topic with the given partitions and waits until every partition has a leader. */
    default void createTopic(String name, int partitions) {
        KafkaAdminCalls.createTopic(bootstrapServers(), name, partitions);
    }

    @Override
    default boolean isAnswering() {
        return KafkaAdminCalls.describesCluster(bootstrapServers());
    }
}
