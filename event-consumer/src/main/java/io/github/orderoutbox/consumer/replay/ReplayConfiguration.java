package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.batch.DeadLetter;
import io.github.orderoutbox.consumer.catalog.Catalog;
import io.github.orderoutbox.consumer.config.ConsumerConfiguration;
import io.github.orderoutbox.consumer.config.ConsumerProperties;
import io.github.orderoutbox.consumer.config.KafkaConnectionProperties;
import io.github.orderoutbox.consumer.deadletter.KafkaDeadLetters;
import io.github.orderoutbox.consumer.dedup.RecentlyApplied;
import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.MicrometerPipeTimer;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipes.SkipDuplicates;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.retry.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Wires the replay command from the service's parts: the same pipes in the same order, except the
 * deduplication, which must not ask Redis during a replay.
 */
@Configuration(proxyBeanMethods = false)
public class ReplayConfiguration {

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The service's pipes ({@link ConsumerConfiguration#pipes}, the one place their order is
     * written) with {@link SkipDuplicates} replaced by {@link SkipDuplicates#withoutRedis}.
     */
    static List<Pipe<EventContext>> replayPipes(EventJson json, Catalog catalog, RecentlyApplied recentlyApplied,
                                                ReadModelRepository readModel) {
        return ConsumerConfiguration.withDeduplication(ConsumerConfiguration.pipes(json, catalog, recentlyApplied, readModel),
                SkipDuplicates.withoutRedis(readModel));
    }

    /** The replay's consumer: the service's settings, but no group, so it cannot move the group's offsets. */
    static Map<String, Object> readerConfig(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        Map<String, Object> config = ConsumerConfiguration.consumerConfig(kafka, properties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.clientId() + "-replay");
        // The reader moves from partition to partition; a fetch the broker parks at the end of the
        // last one (up to fetch.max.wait.ms, 500 ms by default) would delay the first fetch of the next.
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return config;
    }

    @Bean
    ReplayCommand replayCommand(EventJson json, Catalog catalog, RecentlyApplied recentlyApplied,
                                ReadModelRepository readModel, JdbcTemplate jdbc,
                                PlatformTransactionManager transactionManager, Admin admin,
                                KafkaConnectionProperties kafka, ConsumerProperties properties, ConsumerMetrics metrics,
                                MeterRegistry registry) {
        var processorSavepoints = Replay.savepoints(transactionManager);
        Replay replay = new Replay(properties.topic(), properties.deadLetterTopic(), properties.maxPollRecords(),
                properties.maxAttempts(), new Backoff(properties.retryBackoffMin(), properties.retryBackoffMax()),
                () -> new TopicReader(new KafkaConsumer<>(readerConfig(kafka, properties)), properties.topic(),
                        STALL_TIMEOUT),
                deadLetters -> new BatchProcessor(replayPipes(json, catalog, recentlyApplied, readModel),
                        new MicrometerPipeTimer(registry), readModel, processorSavepoints, deadLetters, metrics,
                        properties.maxAttempts()),
                () -> deadLetterSender(kafka, properties),
                new ReplayRepository(jdbc), readModel, recentlyApplied, transactionManager, PROGRESS_INTERVAL);
        return new ReplayCommand(replay, admin, properties.groupId());
    }

    /** A producer of the replay's own for the dead-letter topic, closed when the replay ends. */
    private static Replay.DeadLetterSender deadLetterSender(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        Map<String, Object> config = ConsumerConfiguration.producerConfig(kafka, properties);
        config.put("client.id", kafka.clientId() + "-replay-dlq");
        Producer<byte[], byte[]> producer = new KafkaProducer<>(config);
        KafkaDeadLetters topic = new KafkaDeadLetters(producer, properties.deadLetterTopic(), properties.groupId(),
                properties.deadLetterTimeout(), Clock.systemUTC());
        return new Replay.DeadLetterSender() {
            @Override
            public List<Receipt> send(List<DeadLetter> deadLetters) {
                return topic.send(deadLetters);
            }

            @Override
            public void close() {
                producer.close(Duration.ofSeconds(10));
            }
        };
    }
}
