package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.testsupport.KafkaServer;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The physical floor: the Kafka producer alone sending the same number of same-sized records. */
final class ProducerFloor {

    private ProducerFloor() {
    }

    static DrainResult run(KafkaServer kafka, int rows, int orders) {
        String topic = "orders.events.bench-floor-" + System.currentTimeMillis();
        kafka.createTopic(topic, BenchmarkDatabase.PARTITIONS);
        String payload = "{\"items\": [{\"sku\": \"SKU-1234\", \"name\": \"Espresso cups, set of two\", \"quantity\": 2, "
                + "\"unit_price\": \"49.95\"}, {\"sku\": \"SKU-2234\", \"name\": \"Milk frother\", \"quantity\": 1, "
                + "\"unit_price\": \"50.00\"}], \"total\": \"149.90\", \"currency\": \"EUR\", \"order_id\": \"order-1234\", "
                + "\"placed_at\": \"2026-11-28T08:15:30.123Z\", \"customer_id\": \"customer-321\"}";
        try (KafkaProducer<byte[], byte[]> producer = Producers.create(kafka.bootstrapServers())) {
            warmUp(producer, topic, payload);
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                producer.send(Producers.record(topic, i, UUID.randomUUID().toString(), "order-" + (i % orders), payload));
            }
            producer.flush();
            return new DrainResult("producer floor", rows, Duration.ofNanos(System.nanoTime() - start), null);
        }
    }

    private static void warmUp(KafkaProducer<byte[], byte[]> producer, String topic, String payload) {
        for (int i = 0; i < 20_000; i++) {
            producer.send(Producers.record(topic, i, UUID.randomUUID().toString(), "warm-" + (i % 100), payload));
        }
        producer.flush();
    }
}
