package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Postgres down is an outage, not the events' fault: the consumer retries with backoff, commits
 * no offset meanwhile, dead-letters nothing, and carries on by itself when Postgres returns.
 */
class PostgresOutageIT {

    @Test
    void retriesThroughAPostgresCrashAndLosesNothing() {
        try (PostgresServer postgres = TestServers.startDedicatedPostgres();
             ConsumerFixture fixture = new ConsumerFixture(postgres, TestServers.kafka(), TestServers.redis())) {
            ServerAssumptions.assumeStoppable(postgres);
            OrderEvents events = new OrderEvents(fixture.topic);
            List<ProducerRecord<byte[], byte[]>> first = events.lifecycles("a-", 30);
            Kafka.send(fixture.kafka.bootstrapServers(), first);
            var context = fixture.startConsumer();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(first.size()));

            postgres.kill();
            List<ProducerRecord<byte[], byte[]>> second = events.lifecycles("b-", 30);
            Kafka.send(fixture.kafka.bootstrapServers(), second);
            await().atMost(Duration.ofSeconds(60)).until(() -> registry.get("consumer.batch.retries").counter().count() >= 2);
            assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(first.size());

            postgres.start();
            int total = first.size() + second.size();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(total));
            assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(total);
            assertThat(fixture.count("SELECT sum(orders_placed) FROM read_model.customer_summary")).isEqualTo(60);
            assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
            assertThat(Kafka.topicExists(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)
                    ? Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic) : 0).isZero();
        }
    }
}
