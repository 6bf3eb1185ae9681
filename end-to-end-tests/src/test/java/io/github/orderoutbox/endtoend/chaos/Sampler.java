package io.github.orderoutbox.endtoend.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Looks at the running system from outside every few seconds: outbox backlog (rows not yet
 * published), the consumer group's lag in records, events applied, Postgres sessions, and heap
 * and RSS of each service. Keeps the largest lags for the report and appends every sample to a
 * CSV when one is named (the soak).
 */
final class Sampler implements AutoCloseable {

    private final ChaosStack stack;
    private final Path csv;
    private final Admin admin;
    private final long startedAt = System.nanoTime();
    private volatile long largestBacklog;
    private volatile long largestLag;

    Sampler(ChaosStack stack, String csv) {
        this.stack = stack;
        this.csv = csv == null || csv.isBlank() ? null : Path.of(csv);
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka.bootstrapServers());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        this.admin = Admin.create(properties);
        if (this.csv != null && !Files.exists(this.csv)) {
            String services = stack.services().stream()
                    .map(s -> s.name + "_heap_mb," + s.name + "_rss_mb").collect(Collectors.joining(","));
            append("elapsed_s,outbox_rows,outbox_backlog,consumer_lag,applied,pg_sessions," + services);
        }
    }

    void sample() {
        Map<String, Long> database = databaseFigures();
        long backlog = database.getOrDefault("backlog", -1L);
        long lag = consumerLag();
        largestBacklog = Math.max(largestBacklog, backlog);
        largestLag = Math.max(largestLag, lag);
        StringBuilder row = new StringBuilder();
        row.append(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt)).append(',')
                .append(database.getOrDefault("rows", -1L)).append(',')
                .append(backlog).append(',').append(lag).append(',')
                .append(database.getOrDefault("applied", -1L)).append(',')
                .append(database.getOrDefault("sessions", -1L));
        for (Service service : stack.services()) {
            if (service.name.startsWith("consumer")) {
                service.scrapeDuplicates();
            }
            row.append(String.format(Locale.ROOT, ",%.1f,%.1f", service.heapMegabytes(), service.rssMegabytes()));
        }
        if (csv != null) {
            append(row.toString());
        }
    }

    long largestBacklog() {
        return largestBacklog;
    }

    long largestLag() {
        return largestLag;
    }

    /** Nothing waits to be published and the group has consumed every record, asked now. */
    boolean drainedNow() {
        return databaseFigures().getOrDefault("backlog", -1L) == 0 && consumerLag() == 0;
    }

    /** Records of the topic not yet committed by the consumer group; -1 when Kafka does not answer. */
    long consumerLag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(ChaosStack.GROUP)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < ChaosStack.PARTITIONS; p++) {
                latest.put(new TopicPartition(ChaosStack.TOPIC, p), OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    private Map<String, Long> databaseFigures() {
        Map<String, Long> figures = new HashMap<>();
        try (Connection connection = stack.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(10);
            for (var query : List.of(
                    Map.entry("backlog", "SELECT count(*) FROM outbox WHERE published_at IS NULL"),
                    Map.entry("rows", "SELECT count(*) FROM outbox"),
                    Map.entry("applied", "SELECT count(*) FROM read_model.applied_event"),
                    Map.entry("sessions", "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")))  {
                try (ResultSet result = statement.executeQuery(query.getValue())) {
                    result.next();
                    figures.put(query.getKey(), result.getLong(1));
                }
            }
        } catch (SQLException e) {
            // Postgres is down or cut: the sample says -1
        }
        return figures;
    }

    private void append(String line) {
        try {
            Files.writeString(csv, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
