package io.github.orderoutbox.relay.config;

import io.github.orderoutbox.relay.admin.OutboxEndpoint;
import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.lease.LeaseRepository;
import io.github.orderoutbox.relay.observability.KafkaHealthIndicator;
import io.github.orderoutbox.relay.observability.OutboxStatsRefresher;
import io.github.orderoutbox.relay.observability.PublishingHealthIndicator;
import io.github.orderoutbox.relay.observability.PublishingOutages;
import io.github.orderoutbox.relay.observability.RelayMetrics;
import io.github.orderoutbox.relay.outbox.OutboxRepository;
import io.github.orderoutbox.relay.publish.BatchPublisher;
import io.github.orderoutbox.relay.publish.EventRecordMapper;
import io.github.orderoutbox.relay.publish.KafkaTopics;
import io.github.orderoutbox.relay.publish.ProducerFactory;
import io.github.orderoutbox.relay.publish.RelayProducer;
import io.github.orderoutbox.relay.publish.TopicRouter;
import io.github.orderoutbox.relay.relay.BucketGroups;
import io.github.orderoutbox.relay.relay.RelayLifecycle;
import io.github.orderoutbox.relay.relay.RelayWorker;
import io.github.orderoutbox.relay.retention.RetentionJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires the relay's parts together; each part gets what it needs through its constructor. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({RelayProperties.class, KafkaConnectionProperties.class, AdminProperties.class})
public class RelayConfiguration {

    /**
     * Producer settings the guarantees rest on: idempotence with {@code acks=all} keeps each
     * partition in send order through retries, and a long delivery timeout lets a broker outage
     * be ridden out inside the producer rather than failing the batch. {@code relay.producer.*}
     * overrides them, except where that would weaken order or durability (refused at start-up,
     * see {@link ProducerOverrides}).
     */
    static Map<String, Object> producerConfig(KafkaConnectionProperties kafka, RelayProperties relay) {
        Map<String, Object> config = new HashMap<>(kafka.commonClientConfig());
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        // No linger: a round's records are all handed over within microseconds, and the producer's
        // thread, woken by the first new batch, finds most of them there. Waiting a millisecond on
        // top added that millisecond to every event's latency; without it the same p99 allows a
        // longer relay.poll-interval-min, fewer rounds and less CPU (docs/benchmarks.md).
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        // Kafka's own default. Under a steady load a poll holds a few records spread over many
        // partitions, and lz4 allocated its 64 KB block buffers for each of those small batches:
        // 95 against 67 ms of relay CPU per 1,000 events at 1,000 events/s (docs/benchmarks.md).
        // Where the bytes between relay and brokers cost more than CPU, set
        // relay.producer.compression.type=lz4 (or zstd).
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        config.putAll(relay.producer());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    @Bean
    ProducerFactory relayProducerFactory(KafkaConnectionProperties kafka, RelayProperties relay) {
        Map<String, Object> config = producerConfig(kafka, relay);
        return () -> new KafkaProducer<>(config);
    }

    /**
     * The producer, replaced when it is left in a fatal state, with its own meters,
     * {@code kafka_producer_*}: request latency, record errors and retries, buffer exhaustion,
     * records per request, I/O wake-ups. Read at each scrape; bound again to each new producer.
     */
    @Bean(destroyMethod = "")
    RelayProducer relayProducer(ProducerFactory factory, MeterRegistry registry) {
        return new RelayProducer(factory, producer -> { // closed by RelayLifecycle after the last batch
            KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
            metrics.bindTo(registry);
            return metrics;
        });
    }

    @Bean(destroyMethod = "close")
    Admin relayAdmin(KafkaConnectionProperties kafka) {
        Map<String, Object> config = kafka.commonClientConfig();
        config.put("client.id", kafka.clientId() + "-admin");
        config.put("request.timeout.ms", 5_000);
        config.put("default.api.timeout.ms", 10_000);
        return Admin.create(config);
    }

    @Bean(destroyMethod = "")
    KafkaTopics kafkaTopics(Admin admin, KafkaConnectionProperties kafka, RelayProperties relay) {
        Object maxRequest = producerConfig(kafka, relay).getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        return new KafkaTopics(admin, relay.createTopics(), relay.topicPartitions(), relay.topicReplication(),
                Integer.parseInt(maxRequest.toString()));
    }

    @Bean
    TopicRouter topicRouter(RelayProperties relay) {
        return new TopicRouter(relay.topics());
    }

    @Bean
    OutboxRepository outboxRepository(JdbcTemplate jdbc, TransactionTemplate transactions) {
        return new OutboxRepository(jdbc, transactions);
    }

    @Bean
    LeaseKeeper leaseKeeper(JdbcTemplate jdbc, RelayProperties relay) {
        String instance = UUID.randomUUID().toString();
        return new LeaseKeeper(new LeaseRepository(jdbc), instance, hostName(), relay.leaseTtl(), relay.leaseSafetyMargin(),
                System::nanoTime);
    }

    @Bean
    RelayMetrics relayMetrics(MeterRegistry registry, LeaseKeeper leases) {
        return new RelayMetrics(registry, leases::heldCount);
    }

    @Bean
    RelayLifecycle relayLifecycle(RelayProperties relay, LeaseKeeper leases, KafkaTopics topics, TopicRouter router,
                                  OutboxRepository outbox, RelayProducer producer, RelayMetrics metrics,
                                  PublishingOutages outages) {
        EventRecordMapper mapper = new EventRecordMapper(relay.source());
        BatchPublisher publisher = new BatchPublisher(producer);
        BucketGroups groups = new BucketGroups(relay.workers());
        return new RelayLifecycle(relay, leases, topics, router,
                index -> new RelayWorker(index, groups, relay, leases, outbox, router, topics, mapper, publisher, metrics, outages),
                new OutboxStatsRefresher(outbox, metrics),
                new RetentionJob(outbox, relay.retention(), relay.retentionBatchSize(), Clock.systemUTC()),
                producer);
    }

    @Bean
    PublishingOutages publishingOutages(MeterRegistry registry) {
        return new PublishingOutages(registry);
    }

    @Bean
    PublishingHealthIndicator publishingHealthIndicator(PublishingOutages outages) {
        return new PublishingHealthIndicator(outages);
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(Admin admin) {
        return new KafkaHealthIndicator(admin);
    }

    @Bean
    OutboxEndpoint outboxEndpoint(OutboxRepository outbox, LeaseKeeper leases) {
        return new OutboxEndpoint(outbox, leases);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
