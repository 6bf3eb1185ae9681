package io.github.orderoutbox.consumer.config;

import io.github.orderoutbox.consumer.EventConsumerApplication;
import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.catalog.Catalog;
import io.github.orderoutbox.consumer.dedup.RecentlyApplied;
import io.github.orderoutbox.consumer.deadletter.KafkaDeadLetters;
import io.github.orderoutbox.consumer.kafka.ConsumerLoop;
import io.github.orderoutbox.consumer.observability.ConsumerLoopHealthIndicator;
import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import io.github.orderoutbox.consumer.observability.GroupLagMonitor;
import io.github.orderoutbox.consumer.observability.KafkaHealthIndicator;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.MicrometerPipeTimer;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipes.EnrichOrderData;
import io.github.orderoutbox.consumer.pipes.SkipDuplicates;
import io.github.orderoutbox.consumer.pipes.SyncReadModel;
import io.github.orderoutbox.consumer.pipes.ValidateEventSchema;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.retry.Backoff;
import io.github.orderoutbox.model.schema.EventSchemas;
import io.github.orderoutbox.model.upcast.Upcasters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the consumer's parts together; each part gets what it needs through its constructor. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ConsumerProperties.class, KafkaConnectionProperties.class})
public class ConsumerConfiguration {

    /**
     * The pipes every event goes through, in this order; the one place the order is written.
     * Upcasting happens in the first, so the domain pipes see only the newest version.
     */
    public static List<Pipe<EventContext>> pipes(EventJson json, Catalog catalog, RecentlyApplied recentlyApplied,
                                                 ReadModelRepository readModel) {
        return List.of(
                new ValidateEventSchema(EventSchemas.load(), Upcasters.standard(), json),
                new EnrichOrderData(catalog),
                new SkipDuplicates(recentlyApplied, readModel),
                new SyncReadModel(readModel));
    }

    /**
     * The service's pipes ({@link #pipes}, in their one order) with their one {@link SkipDuplicates}
     * replaced, for the operator commands that must not take Redis's word for "applied": a replay
     * ({@link SkipDuplicates#withoutRedis}) and a redrive ({@link SkipDuplicates#decidingFromPostgres}).
     */
    public static List<Pipe<EventContext>> withDeduplication(List<Pipe<EventContext>> pipes, SkipDuplicates replacement) {
        if (pipes.stream().filter(SkipDuplicates.class::isInstance).count() != 1) {
            throw new IllegalStateException("expected one SkipDuplicates among the pipes to replace, found "
                    + pipes.stream().map(p -> p.getClass().getSimpleName()).toList());
        }
        return pipes.stream().map(pipe -> pipe instanceof SkipDuplicates ? replacement : pipe).toList();
    }

    /**
     * Consumer settings the guarantees rest on: offsets are committed by the loop after the
     * batch's effects are durable, never automatically, and only committed transactions of
     * producers are read. Anything here can be overridden with {@code consumer.consumer.*}.
     */
    public static Map<String, Object> consumerConfig(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.commonClientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, properties.groupId());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, properties.maxPollRecords());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        config.putAll(properties.consumer());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    /** The dead-letter producer: idempotent, {@code acks=all}; overridable with {@code consumer.producer.*}. */
    public static Map<String, Object> producerConfig(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        Map<String, Object> config = new HashMap<>(kafka.commonClientConfig());
        config.put("client.id", kafka.clientId() + "-dlq");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(properties.deadLetterTimeout().toMillis(), 30_000));
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // A dead letter is its record plus the dlq_* headers, so it can be larger than the 1 MiB a
        // producer allows by default even when the topic took the record. The dead-letter topic is
        // created with room for it (DeadLetterTopic) and the broker enforces that limit; this is
        // only the client's own check, as large as the default buffer.memory holds.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024);
        config.putAll(properties.producer());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    @Bean
    EventJson eventJson() {
        return new EventJson();
    }

    @Bean
    ConsumerMetrics consumerMetrics(MeterRegistry registry) {
        return new ConsumerMetrics(registry);
    }

    @Bean
    ReadModelRepository readModelRepository(JdbcTemplate jdbc, EventJson json) {
        return new ReadModelRepository(jdbc, json.mapper());
    }

    @Bean
    Catalog catalog(JdbcTemplate jdbc, ConsumerProperties properties, MeterRegistry registry) {
        Catalog catalog = new Catalog(jdbc, properties.catalogCacheTtl(), properties.catalogCacheSize());
        CaffeineCacheMetrics.monitor(registry, catalog.cache(), "catalog");
        return catalog;
    }

    @Bean
    RecentlyApplied recentlyApplied(StringRedisTemplate redis, ConsumerProperties properties, ConsumerMetrics metrics) {
        return new RecentlyApplied(redis, properties.redisKeyPrefix(), properties.redisTtl(),
                properties.redisPauseAfterFailure(), metrics, System::nanoTime);
    }

    @Bean(destroyMethod = "close")
    Admin consumerAdmin(KafkaConnectionProperties kafka) {
        Map<String, Object> config = kafka.commonClientConfig();
        config.put("client.id", kafka.clientId() + "-admin");
        config.put("request.timeout.ms", 5_000);
        config.put("default.api.timeout.ms", 10_000);
        return Admin.create(config);
    }

    @Bean(destroyMethod = "close") // after ConsumerLifecycle has stopped the loop: lifecycles stop before beans are destroyed
    Producer<byte[], byte[]> deadLetterProducer(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        return new KafkaProducer<>(producerConfig(kafka, properties));
    }

    /** The threads that validate and enrich a batch's events while the delivery thread does its look-ups. */
    @Bean(destroyMethod = "shutdownNow")
    java.util.concurrent.ExecutorService validationThreads(ConsumerProperties properties) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return java.util.concurrent.Executors.newFixedThreadPool(properties.validationThreads(), runnable -> {
            Thread thread = new Thread(runnable, "event-consumer-validate-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    BatchProcessor batchProcessor(java.util.concurrent.ExecutorService validationThreads, EventJson json, Catalog catalog, RecentlyApplied recentlyApplied,
                                  ReadModelRepository readModel, JdbcTemplate jdbc, TransactionTemplate transactions,
                                  Producer<byte[], byte[]> deadLetterProducer, ConsumerProperties properties,
                                  ConsumerMetrics metrics, MeterRegistry registry) {
        var deadLetters = new KafkaDeadLetters(deadLetterProducer, properties.deadLetterTopic(), properties.groupId(),
                properties.deadLetterTimeout(), Clock.systemUTC());
        return new BatchProcessor(pipes(json, catalog, recentlyApplied, readModel), new MicrometerPipeTimer(registry),
                readModel, transactions, deadLetters, metrics, properties.maxAttempts(), validationThreads,
                properties.validationThreads());
    }

    /** The dead-letter producer's own meters, {@code kafka_producer_*} (request latency, errors, retries). */
    @Bean(destroyMethod = "close")
    KafkaClientMetrics deadLetterProducerMetrics(Producer<byte[], byte[]> deadLetterProducer, MeterRegistry registry) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(deadLetterProducer);
        metrics.bindTo(registry);
        return metrics;
    }

    @Bean(destroyMethod = "") // closed by ConsumerLoop when it stops, after its last commit
    @ConditionalOnBooleanProperty(name = EventConsumerApplication.LOOP_ENABLED, matchIfMissing = true)
    Consumer<byte[], byte[]> eventConsumer(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        return new KafkaConsumer<>(consumerConfig(kafka, properties));
    }

    /**
     * The event consumer's own meters, {@code kafka_consumer_*}: fetch latency and rate, records
     * lag, commit latency, rebalances, time between polls. Read at each scrape.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty(name = EventConsumerApplication.LOOP_ENABLED, matchIfMissing = true)
    KafkaClientMetrics eventConsumerMetrics(Consumer<byte[], byte[]> eventConsumer, MeterRegistry registry) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(eventConsumer);
        metrics.bindTo(registry);
        return metrics;
    }

    @Bean
    @ConditionalOnBooleanProperty(name = EventConsumerApplication.LOOP_ENABLED, matchIfMissing = true)
    ConsumerLoop consumerLoop(Consumer<byte[], byte[]> eventConsumer, ConsumerProperties properties, BatchProcessor processor,
                              ConsumerMetrics metrics, ReadModelRepository readModel) {
        return new ConsumerLoop(eventConsumer, properties.topic(), processor,
                properties.mode(), properties.pollTimeout(),
                new Backoff(properties.retryBackoffMin(), properties.retryBackoffMax()), metrics,
                readModel::countBlocked, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnBooleanProperty(name = EventConsumerApplication.LOOP_ENABLED, matchIfMissing = true)
    ConsumerLifecycle consumerLifecycle(ConsumerLoop loop, Admin admin, ConsumerProperties properties) {
        return new ConsumerLifecycle(loop, admin, properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnBooleanProperty(name = EventConsumerApplication.LOOP_ENABLED, matchIfMissing = true)
    GroupLagMonitor groupLagMonitor(Admin admin, ConsumerProperties properties, MeterRegistry registry) {
        GroupLagMonitor monitor = new GroupLagMonitor(admin, properties.groupId(), properties.topic(), registry);
        monitor.start(java.time.Duration.ofSeconds(5));
        return monitor;
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(Admin admin) {
        return new KafkaHealthIndicator(admin);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = EventConsumerApplication.LOOP_ENABLED, matchIfMissing = true)
    ConsumerLoopHealthIndicator consumerLoopHealthIndicator(ConsumerLoop loop) {
        return new ConsumerLoopHealthIndicator(loop);
    }
}
