package io.github.orderoutbox.relay.publish;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows which topics exist and the largest record each accepts. A topic is looked up (and, when
 * allowed, created) once, then trusted until a send to it fails.
 */
public class KafkaTopics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long ADMIN_TIMEOUT_MS = 5_000;

    private final Admin admin;
    private final boolean createMissing;
    private final int partitions;
    private final short replication;
    private final int producerMaxRequestSize;
    private final Map<String, Integer> maxRecordBytesByTopic = new ConcurrentHashMap<>();

    public KafkaTopics(Admin admin, boolean createMissing, int partitions, short replication, int producerMaxRequestSize) {
        this.admin = admin;
        this.createMissing = createMissing;
        this.partitions = partitions;
        this.replication = replication;
        this.producerMaxRequestSize = producerMaxRequestSize;
    }

    /**
     * The largest record (in bytes) the topic accepts, creating the topic first if it is missing and
     * creation is allowed.
     *
     * @throws UnpublishableRowException when the topic does not exist and may not be created
     * @throws KafkaUnavailableException when Kafka does not answer
     */
    public int ensure(String topic) throws UnpublishableRowException, KafkaUnavailableException {
        Integer known = maxRecordBytesByTopic.get(topic);
        if (known != null) {
            return known;
        }
        try {
            int limit = describeLimit(topic).orElse(-1);
            if (limit < 0) {
                if (!createMissing) {
                    throw new UnpublishableRowException("topic " + topic + " does not exist and relay.create-topics is false");
                }
                create(topic);
                limit = describeLimit(topic).orElseThrow(() -> new KafkaUnavailableException(
                        "topic " + topic + " was created but cannot be described yet", null));
            }
            awaitLeaders(topic);
            maxRecordBytesByTopic.put(topic, limit);
            return limit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while looking up topic " + topic, e);
        } catch (TimeoutException | ExecutionException e) {
            throw new KafkaUnavailableException("cannot look up topic " + topic + ": " + rootMessage(e), e);
        }
    }

    /** Creates the configured topics that are missing; failures are logged, creation is retried on first use. */
    public void ensureAll(Iterable<String> topics) {
        for (String topic : topics) {
            try {
                ensure(topic);
            } catch (UnpublishableRowException | KafkaUnavailableException e) {
                log.warn("relay.topics.not_ready topic={} error=\"{}\"", topic, e.getMessage());
            }
        }
    }

    /** Forgets what is known of a topic after a failed send, so it is looked up again. */
    public void forget(String topic) {
        maxRecordBytesByTopic.remove(topic);
    }

    private Optional<Integer> describeLimit(String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all()
                .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(resource);
        var entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        int topicLimit = entry == null || entry.value() == null ? Integer.MAX_VALUE : Integer.parseInt(entry.value());
        return Optional.of(Math.min(topicLimit, producerMaxRequestSize));
    }

    private void create(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        Optional<Short> factor = replication < 0 ? Optional.empty() : Optional.of(replication);
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), factor)))
                    .all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            log.info("relay.topics.created topic={} partitions={}", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Waits until the leader of every partition of the topic answers, before the first send to it.
     * The controller acknowledges a new topic, and metadata names its leaders, before the broker has
     * set up the partitions. A produce request sent in that gap fails with NOT_LEADER_OR_FOLLOWER
     * while a later request to the same partition may succeed; the idempotent producer then retries
     * the first with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (KAFKA-15591): its rows
     * wait two minutes, and later events of their orders reach Kafka first. Listing the partitions'
     * offsets is answered by the leaders themselves, so it is retried until it succeeds.
     */
    private void awaitLeaders(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> partitionsOfTopic = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic)
                .partitions().forEach(p -> partitionsOfTopic.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS);
        while (true) {
            try {
                admin.listOffsets(partitionsOfTopic).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(20); // e.g. UnknownTopicOrPartitionException: the broker has not set the partition up yet
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
