package io.github.orderoutbox.consumer.deadletter;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the dead-letter topic at start-up when it is missing, with as many partitions as the
 * topic it serves (unless told otherwise), so a dead letter keyed by its order lands on the same
 * partition number as the order's events, and with room for the largest record that topic accepts
 * plus the dead-letter headers.
 */
public final class DeadLetterTopic {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterTopic.class);

    /**
     * Bytes a dead letter may add to its record: the {@code dlq_*} headers, of which the exception
     * message is cut at 4,000 characters (at most 12,000 bytes of UTF-8), the rest well under 1 KiB.
     * Without this room a record as large as its topic accepts could not be dead-lettered, and its
     * batch would be retried for ever, holding up every order of its partitions.
     */
    static final int DEAD_LETTER_HEADROOM_BYTES = 64 * 1024;

    private DeadLetterTopic() {
    }

    public static void ensure(Admin admin, String sourceTopic, String deadLetterTopic, int partitions) {
        try {
            Map<String, TopicDescription> existing = admin.describeTopics(List.of(sourceTopic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(deadLetterTopic)) {
                return;
            }
            int count = partitions > 0 ? partitions : existing.get(sourceTopic).partitions().size();
            long maxMessageBytes = maxMessageBytes(admin, sourceTopic) + DEAD_LETTER_HEADROOM_BYTES;
            admin.createTopics(List.of(new NewTopic(deadLetterTopic, Optional.of(count), Optional.empty())
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(maxMessageBytes)))))
                    .all().get(30, TimeUnit.SECONDS);
            log.info("consumer.dead_letter_topic.created topic={} partitions={} max_message_bytes={}",
                    deadLetterTopic, count, maxMessageBytes);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return; // another instance created it meanwhile
            }
            throw new IllegalStateException("cannot make sure the dead-letter topic " + deadLetterTopic
                    + " exists: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 30 s while checking the topics " + sourceTopic
                    + " and " + deadLetterTopic, e);
        }
    }

    /** The largest record batch the topic accepts: its own setting, or the broker's default it inherits. */
    private static long maxMessageBytes(Admin admin, String topic) throws ExecutionException, InterruptedException,
            java.util.concurrent.TimeoutException {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return Long.parseLong(entry.value());
    }
}
