package io.github.orderoutbox.consumer.redrive;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.catalog.Catalog;
import io.github.orderoutbox.consumer.config.ConsumerConfiguration;
import io.github.orderoutbox.consumer.config.ConsumerProperties;
import io.github.orderoutbox.consumer.config.KafkaConnectionProperties;
import io.github.orderoutbox.consumer.dedup.RecentlyApplied;
import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.MicrometerPipeTimer;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipes.SkipDuplicates;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.model.json.EventJson;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wires the redrive command: a batch processor with the service's pipes in their order, except
 * that deduplication decides from Postgres alone ({@link SkipDuplicates#decidingFromPostgres}), the
 * read model, and a reader of the dead-letter topic.
 */
@Configuration(proxyBeanMethods = false)
public class RedriveConfiguration {

    /**
     * The dead-letter reader's client settings: the service's consumer settings (connection,
     * security, {@code consumer.consumer.*}) without its group, since the reader assigns itself
     * one partition at a time and commits nothing. A record the topic no longer has is an error,
     * never a silent jump to another offset.
     */
    static Map<String, Object> readerConfig(KafkaConnectionProperties kafka, ConsumerProperties properties) {
        Map<String, Object> config = ConsumerConfiguration.consumerConfig(kafka, properties);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, kafka.clientId() + "-redrive");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return config;
    }

    /** The service's pipes, with deduplication that does not take Redis's word for "applied". */
    static List<Pipe<EventContext>> redrivePipes(EventJson json, Catalog catalog, RecentlyApplied recentlyApplied,
                                                 ReadModelRepository readModel) {
        return ConsumerConfiguration.withDeduplication(ConsumerConfiguration.pipes(json, catalog, recentlyApplied, readModel),
                SkipDuplicates.decidingFromPostgres(recentlyApplied, readModel));
    }

    @Bean
    RedriveCommand redriveCommand(EventJson json, Catalog catalog, RecentlyApplied recentlyApplied,
                                  ReadModelRepository readModel, TransactionTemplate transactions, ConsumerMetrics metrics,
                                  MeterRegistry registry, KafkaConnectionProperties kafka, ConsumerProperties properties) {
        BatchProcessor processor = new BatchProcessor(redrivePipes(json, catalog, recentlyApplied, readModel),
                new MicrometerPipeTimer(registry), readModel, transactions, letters -> {
                    throw new IllegalStateException("a redrive never writes a dead letter");
                }, metrics, properties.maxAttempts());
        return new RedriveCommand(processor, readModel, () -> new DeadLetterReader(
                new KafkaConsumer<>(readerConfig(kafka, properties)), properties.deadLetterTimeout()));
    }
}
