package io.github.orderoutbox.testsupport;

import static io.github.orderoutbox.testsupport.ServerAssumptions.assumeStoppable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaServerIT {

    @Test
    void deliversProducedRecordsToAConsumer() throws Exception {
        KafkaServer kafka = TestServers.kafka();
        String topic = "round-trip-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);

        try (KafkaProducer<String, String> producer = producer(kafka)) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "order-" + i, "placed-" + i)).get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(readAll(kafka, topic, 3, 10)).hasSize(10).contains("placed-0", "placed-9");
    }

    @Test
    void keepsItsRecordsWhenKilledOrStoppedAndStartedAgain() throws Exception {
        try (KafkaServer kafka = TestServers.startDedicatedKafka()) {
            assumeStoppable(kafka);
            String topic = "fault-" + UUID.randomUUID();
            kafka.createTopic(topic, 2);
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(topic, "order-" + i, "before-kill-" + i)).get(10, TimeUnit.SECONDS);
                }

                kafka.kill();
                assertThat(kafka.isAnswering()).isFalse();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "lost")).get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TimeoutException.class);

                kafka.start();
                producer.send(new ProducerRecord<>(topic, "order-9", "after-start")).get(30, TimeUnit.SECONDS);
            }

            assertThat(readAll(kafka, topic, 2, 6))
                    .containsExactlyInAnyOrder("before-kill-0", "before-kill-1", "before-kill-2", "before-kill-3",
                            "before-kill-4", "after-start");

            kafka.stop();
            assertThat(kafka.isAnswering()).isFalse();
            kafka.start();
            assertThat(readAll(kafka, topic, 2, 6)).hasSize(6);
        }
    }

    private static KafkaProducer<String, String> producer(KafkaServer kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000),
                new StringSerializer(), new StringSerializer());
    }

    /** Reads every partition from its start until {@code expected} values have arrived or 30 s have passed. */
    private static List<String> readAll(KafkaServer kafka, String topic, int partitions, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int partition = 0; partition < partitions; partition++) {
                assigned.add(new TopicPartition(topic, partition));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }
}
