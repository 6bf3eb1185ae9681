package io.github.orderoutbox.consumer.deadletter;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the dead-letter topic at start-up when it is missing, with as many partitions as the
 * topic it serves (unless told otherwise), so a dead letter keyed by its order lands on the same
 * partition number as the order's events.
 */
public final class DeadLetterTopic {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterTopic.class);

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
            admin.createTopics(List.of(new NewTopic(deadLetterTopic, Optional.of(count), Optional.empty())))
                    .all().get(30, TimeUnit.SECONDS);
            log.info("consumer.dead_letter_topic.created topic={} partitions={}", deadLetterTopic, count);
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
}
