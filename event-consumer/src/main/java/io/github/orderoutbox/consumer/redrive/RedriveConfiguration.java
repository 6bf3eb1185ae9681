package io.github.orderoutbox.consumer.redrive;

import io.github.orderoutbox.consumer.batch.BatchProcessor;
import io.github.orderoutbox.consumer.config.ConsumerConfiguration;
import io.github.orderoutbox.consumer.config.ConsumerProperties;
import io.github.orderoutbox.consumer.config.KafkaConnectionProperties;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the redrive command: the consumer's own batch processor and read model, and a reader of the dead-letter topic. */
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

    @Bean
    RedriveCommand redriveCommand(BatchProcessor processor, ReadModelRepository readModel,
                                  KafkaConnectionProperties kafka, ConsumerProperties properties) {
        return new RedriveCommand(processor, readModel, () -> new DeadLetterReader(
                new KafkaConsumer<>(readerConfig(kafka, properties)), properties.deadLetterTimeout()));
    }
}
