package io.github.orderoutbox.testsupport;

import io.github.orderoutbox.localstack.kafka.KafkaProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.TopicPartitionInfo;

/** The admin requests that the Kafka servers need: probing the cluster and creating topics. */
final class KafkaAdminCalls {

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);

    private KafkaAdminCalls() {
    }

    static boolean describesCluster(String bootstrapServers) {
        return KafkaProbe.describesCluster(bootstrapServers);
    }

    static void createTopic(String bootstrapServers, String name, int partitions) {
        try (Admin admin = admin(bootstrapServers, TOPIC_TIMEOUT)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, name, partitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topic " + name + " on " + bootstrapServers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        }
    }

    /**
     * The controller acknowledges a new topic before the broker has taken leadership of its
     * partitions; a producer that comes first would wait for metadata, so we wait here instead.
     */
    private static void awaitLeaders(Admin admin, String name, int partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TOPIC_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            TopicDescription description;
            try {
                description = admin.describeTopics(List.of(name))
                        .allTopicNames()
                        .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .get(name);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                // The broker that answered has not learnt of the topic from the controller yet.
                Thread.sleep(50);
                continue;
            }
            List<TopicPartitionInfo> led = description.partitions().stream()
                    .filter(partition -> partition.leader() != null && !partition.leader().isEmpty())
                    .toList();
            if (led.size() == partitions) {
                return;
            }
            Thread.sleep(50);
        }
        throw new TimeoutException("partitions of " + name + " got no leader within " + TOPIC_TIMEOUT);
    }

    private static Admin admin(String bootstrapServers, Duration timeout) {
        int millis = (int) timeout.toMillis();
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(millis, 1_000),
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(millis, 1_000)));
    }
}
