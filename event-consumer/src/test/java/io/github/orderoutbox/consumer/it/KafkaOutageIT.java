package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.kafka.ConsumerLoop;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The broker killed and started again: the consumer's loop survives (polls and commits fail for a
 * while, and neither is fatal), then carries on where its committed offsets say, applying every
 * event once.
 */
class KafkaOutageIT {

    @Test
    void survivesTheBrokerGoingAwayAndComingBack() {
        try (KafkaServer kafka = TestServers.startDedicatedKafka();
             ConsumerFixture fixture = new ConsumerFixture(TestServers.postgres(), kafka, TestServers.redis())) {
            ServerAssumptions.assumeStoppable(kafka);
            OrderEvents events = new OrderEvents(fixture.topic);
            List<ProducerRecord<byte[], byte[]>> first = events.lifecycles("a-", 300);
            Kafka.send(kafka.bootstrapServers(), first);
            // Small polls, so that the broker dies while the consumer still applies fetched records
            // and their commits fail.
            var context = fixture.startConsumer(java.util.Map.of("consumer.max-poll-records", "20"));
            ConsumerLoop loop = context.getBean(ConsumerLoop.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count("SELECT count(*) FROM read_model.applied_event") > 200);

            kafka.kill();
            await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> true);
            assertThat(loop.state()).isNotIn(ConsumerLoop.LoopState.FAILED, ConsumerLoop.LoopState.STOPPED);
            kafka.start();

            List<ProducerRecord<byte[], byte[]>> second = events.lifecycles("b-", 30);
            Kafka.send(kafka.bootstrapServers(), second);
            int total = first.size() + second.size();
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(Kafka.committedTotal(kafka.bootstrapServers(), fixture.group)).isEqualTo(total));
            assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(total);
            assertThat(fixture.count("SELECT sum(orders_placed) FROM read_model.customer_summary")).isEqualTo(330);
            assertThat(loop.state()).isEqualTo(ConsumerLoop.LoopState.RUNNING);
        }
    }
}
