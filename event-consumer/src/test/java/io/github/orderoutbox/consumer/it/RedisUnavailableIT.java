package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Redis is only the fast filter: flushed, or down altogether, it costs speed and never
 * correctness, because the applied-event record in Postgres decides.
 */
class RedisUnavailableIT {

    @Test
    void appliesEachEventOnceAfterRedisIsFlushed() throws IOException {
        try (ConsumerFixture fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis())) {
            OrderEvents events = new OrderEvents(fixture.topic);
            List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 40);
            Kafka.send(fixture.kafka.bootstrapServers(), records);
            fixture.startConsumer();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    fixture.count("SELECT count(*) FROM read_model.applied_event") == records.size());
            List<String> before = ReadModel.snapshot(fixture.jdbc);
            // Redis remembers each applied event under its id, with an expiry (consumer.redis-ttl, 7 days).
            await().atMost(Duration.ofSeconds(10)).until(() -> keys(fixture.redis, fixture.redisPrefix + "*") == records.size());
            String anEvent = new String(records.get(0).headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
            String ttl = send(fixture.redis, "TTL " + fixture.redisPrefix + anEvent);
            assertThat(Long.parseLong(ttl.substring(1).trim())).isBetween(7L * 24 * 3600 - 60, 7L * 24 * 3600);

            send(fixture.redis, "FLUSHALL");
            List<ProducerRecord<byte[], byte[]>> again = new ArrayList<>();
            records.forEach(record -> again.add(OrderEvents.again(record)));
            Kafka.send(fixture.kafka.bootstrapServers(), again);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(2L * records.size()));
            assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.size());
            assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(before);
        }
    }

    @Test
    void keepsApplyingOnceWhileRedisIsDownAndUsesItAgainWhenItReturns() {
        try (RedisServer redis = TestServers.startDedicatedRedis();
             ConsumerFixture fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), redis)) {
            ServerAssumptions.assumeStoppable(redis);
            OrderEvents events = new OrderEvents(fixture.topic);
            List<ProducerRecord<byte[], byte[]>> first = events.lifecycles("a-", 20);
            Kafka.send(fixture.kafka.bootstrapServers(), first);
            var context = fixture.startConsumer();
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    fixture.count("SELECT count(*) FROM read_model.applied_event") == first.size());

            redis.kill();
            // New events and redeliveries of old ones, all while Redis is gone.
            List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>(events.lifecycles("b-", 20));
            first.forEach(record -> second.add(OrderEvents.again(record)));
            Kafka.send(fixture.kafka.bootstrapServers(), second);
            int total = first.size() + second.size();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(total));
            assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(2L * first.size());
            assertThat(registry.get("consumer.redis.failures").counter().count()).isPositive();
            assertThat(registry.get("consumer.events.duplicates").counter().count()).isEqualTo(first.size());

            redis.start();
            // Once Redis is back (and the consumer's pause after the failure is over), newly applied
            // events are remembered there again.
            java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                Kafka.send(fixture.kafka.bootstrapServers(),
                        List.of(events.record(OrderEvents.placed("c-" + sent.getAndIncrement(), "c-1"))));
                assertThat(keys(redis, fixture.redisPrefix + "*")).isPositive();
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                    fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(2L * first.size() + sent.get()));
        }
    }

    /** How many keys match the pattern, by KEYS over the Redis protocol. */
    private static long keys(RedisServer redis, String pattern) throws IOException {
        String reply = send(redis, "KEYS " + pattern);
        if (!reply.startsWith("*")) {
            throw new IllegalStateException("unexpected reply to KEYS: " + reply);
        }
        return Long.parseLong(reply.substring(1, reply.indexOf('\r')));
    }

    /** Sends one inline command and returns the first bytes of the reply. */
    private static String send(RedisServer redis, String command) throws IOException {
        try (Socket socket = new Socket(redis.host(), redis.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64];
            int read = in.read(buffer);
            return new String(buffer, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
        }
    }
}
