package io.github.orderoutbox.localstack.status;

import io.github.orderoutbox.localstack.database.DatabaseUsers;
import io.github.orderoutbox.localstack.services.Endpoints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads {@link Figures} cheaply enough to do it every second: three counts in Postgres as the
 * owner, end offsets and the consumer group's committed offsets from Kafka's admin API, and the
 * demo's {@code /demo/status}. Counts in Postgres and offsets in Kafka outlive the services, so the
 * figures are the pipeline's, not one process's since its start. One connection and one admin
 * client are kept open.
 */
public final class FiguresReader implements AutoCloseable {

    /** The relay's and the consumer's default names (relay.topics, consumer.topic, .dead-letter-topic, .group-id). */
    static final String TOPIC = "orders.events";
    static final String DEAD_LETTER_TOPIC = "orders.events.dlq";
    static final String CONSUMER_GROUP = "order-read-model";

    /** Served by the outbox's partial index of unpublished rows, whose predicate this is. */
    static final String COUNT_WAITING = """
            SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL
            """;
    static final String COUNT_APPLIED = """
            SELECT count(*) FROM read_model.applied_event
            """;
    static final String COUNT_BLOCKED = """
            SELECT count(*) FROM read_model.blocked_order
            """;

    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern NUMBER_FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+|true|false)");

    private final Endpoints endpoints;
    private final String demoStatusUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final Admin admin;
    private Connection connection;

    /** @param demoStatusUrl the demo's {@code /demo/status}, or null when no demo runs */
    public FiguresReader(Endpoints endpoints, String demoStatusUrl) {
        this.endpoints = endpoints;
        this.demoStatusUrl = demoStatusUrl;
        int millis = (int) KAFKA_TIMEOUT.toMillis();
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis));
    }

    public Figures read() {
        Map<String, String> demo = demoStatus();
        Map<TopicPartition, Long> ends = endOffsets(TOPIC);
        return new Figures(
                number(demo.get("ordersWritten")), number(demo.get("eventsWritten")),
                demo.containsKey("done") ? Boolean.valueOf(demo.get("done")) : null,
                count(COUNT_WAITING),
                ends == null ? null : ends.values().stream().mapToLong(Long::longValue).sum(),
                count(COUNT_APPLIED),
                lag(ends),
                sum(endOffsets(DEAD_LETTER_TOPIC)),
                count(COUNT_BLOCKED));
    }

    /** Rows of {@code read_model.applied_event}, or null while the read model is not migrated. */
    public Long applied() {
        return count(COUNT_APPLIED);
    }

    private Long count(String sql) {
        try {
            if (connection == null || !connection.isValid(1)) {
                connection = DriverManager.getConnection(endpoints.jdbcUrl(), DatabaseUsers.OWNER.user(),
                        DatabaseUsers.OWNER.password());
            }
            try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            return null;
        }
    }

    private Map<String, String> demoStatus() {
        if (demoStatusUrl == null) {
            return Map.of();
        }
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(demoStatusUrl))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Map.of();
            }
            return fields(response.body());
        } catch (IOException e) {
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** The numbers and booleans of a flat JSON object, e.g. {@code {"ordersWritten":12,"done":false}}. */
    static Map<String, String> fields(String json) {
        Map<String, String> fields = new HashMap<>();
        Matcher matcher = NUMBER_FIELD.matcher(json);
        while (matcher.find()) {
            fields.put(matcher.group(1), matcher.group(2));
        }
        return fields;
    }

    /** The end offset of every partition of the topic; empty when it does not exist yet, null when Kafka does not answer. */
    private Map<TopicPartition, Long> endOffsets(String topic) {
        try {
            Map<String, TopicDescription> described = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Set<TopicPartition> partitions = described.get(topic).partitions().stream()
                    .map(partition -> new TopicPartition(topic, partition.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, ListOffsetsResultInfo> offsets = admin.listOffsets(partitions.stream()
                            .collect(Collectors.toMap(partition -> partition, partition -> OffsetSpec.latest())))
                    .all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> ends = new HashMap<>();
            offsets.forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        } catch (ExecutionException e) {
            return e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException ? Map.of() : null;
        } catch (TimeoutException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** End offsets minus the group's committed offsets (0 for a partition it never committed), over all partitions. */
    private Long lag(Map<TopicPartition, Long> ends) {
        if (ends == null) {
            return null;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(CONSUMER_GROUP)
                    .partitionsToOffsetAndMetadata().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                lag += Math.max(0, end.getValue() - (offset == null ? 0 : offset.offset()));
            }
            return lag;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Long sum(Map<TopicPartition, Long> offsets) {
        return offsets == null ? null : offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Long number(String value) {
        return value == null ? null : Long.valueOf(value);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            // Closing only.
        }
    }
}
