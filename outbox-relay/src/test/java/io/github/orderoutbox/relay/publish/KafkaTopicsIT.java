package io.github.orderoutbox.relay.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.testsupport.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A topic the relay creates is ready for the relay's idempotent producer as soon as
 * {@link KafkaTopics#ensure} returns. Sent into the gap between the topic's creation and its
 * partitions' leaders being ready, a batch fails with NOT_LEADER_OR_FOLLOWER and, once a later batch
 * got through, is retried with OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout (KAFKA-15591).
 */
class KafkaTopicsIT {

    private static final int TOPICS = 10;
    private static final int PARTITIONS = 6;
    private static final int RECORDS_PER_TOPIC = 300;

    @Test
    void firstSendsToATopicItJustCreatedNeedNoRetries() throws Exception {
        String bootstrap = TestServers.kafka().bootstrapServers();
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            KafkaTopics topics = new KafkaTopics(admin, true, PARTITIONS, (short) -1, 1024 * 1024);
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int t = 0; t < TOPICS; t++) {
                String topic = "kafka-topics-it." + t + "." + System.nanoTime();
                ensureAsTheRelayDoes(topics, topic);
                for (int r = 0; r < RECORDS_PER_TOPIC; r++) {
                    byte[] key = ("order-" + r).getBytes(StandardCharsets.UTF_8);
                    sends.add(producer.send(new ProducerRecord<>(topic, key, new byte[200])));
                }
            }

            int failed = 0;
            for (Future<RecordMetadata> send : sends) {
                try {
                    send.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failed++;
                }
            }
            assertThat(failed).as("records not acknowledged within the delivery timeout").isZero();
            assertThat(retries(producer)).as("produce retries (NOT_LEADER_OR_FOLLOWER, OUT_OF_ORDER_SEQUENCE_NUMBER)").isZero();
        }
    }

    /** The relay backs off and asks again when Kafka cannot answer yet, e.g. describing a topic just created. */
    private static void ensureAsTheRelayDoes(KafkaTopics topics, String topic) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                topics.ensure(topic);
                return;
            } catch (KafkaUnavailableException e) {
                if (attempt == 10) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static double retries(KafkaProducer<byte[], byte[]> producer) {
        return producer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("record-retry-total") && e.getKey().group().equals("producer-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }
}
