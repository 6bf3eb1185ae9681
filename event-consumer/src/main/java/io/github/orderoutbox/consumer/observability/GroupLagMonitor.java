package io.github.orderoutbox.consumer.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group's lag as the broker sees it: end offset minus committed offset per partition, read
 * with the admin client every few seconds, as {@code consumer.group.lag.records{partition}}.
 *
 * <p>The consumer's own lag gauges come from its position and say nothing once it stops polling
 * (a consumer stuck in a long batch or a retry still shows its last value); committed offsets seen
 * from outside keep growing apart from the end of the partition, so this is the one to alert on
 * for a consumer that is alive but not committing.
 */
public final class GroupLagMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupLagMonitor.class);

    private final Admin admin;
    private final String group;
    private final String topic;
    private final MeterRegistry registry;
    private final Map<Integer, AtomicLong> lag = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "event-consumer-group-lag");
        thread.setDaemon(true);
        return thread;
    });

    public GroupLagMonitor(Admin admin, String group, String topic, MeterRegistry registry) {
        this.admin = admin;
        this.group = group;
        this.topic = topic;
        this.registry = registry;
    }

    public void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void refresh() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            ends.forEach((partition, end) -> {
                OffsetAndMetadata offset = committed.get(partition);
                long behind = end.offset() - (offset == null ? 0 : offset.offset());
                gauge(partition.partition()).set(Math.max(0, behind));
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.debug("consumer.group_lag.refresh_failed reason=\"{}\"", e.toString());
        }
    }

    private AtomicLong gauge(int partition) {
        return lag.computeIfAbsent(partition, p -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("consumer.group.lag.records", value, AtomicLong::get)
                    .description("End offset minus the group's committed offset, as the broker sees it")
                    .tag("topic", topic).tag("partition", Integer.toString(p)).register(registry);
            return value;
        });
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
