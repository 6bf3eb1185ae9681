package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * A Kafka outage with a backlog of many orders: a round ends at the first sign of the outage
 * instead of looking up the topic again for each pending order (each lookup waits for the admin
 * client's 5 s timeout), so the worker backs off, lets its locks go, and stops promptly.
 */
class OutageRoundIT {

    private static final int ORDERS = 300;
    /** Topic lookups the relay asked its admin client for (each waits up to 5 s while Kafka is down). */
    static final AtomicInteger TOPIC_LOOKUPS = new AtomicInteger();

    private KafkaServer kafka;
    private RelayFixture fixture;

    /** The relay's own admin client, with its topic look-ups counted. */
    @Configuration(proxyBeanMethods = false)
    static class CountedTopicLookups {
        @Bean(destroyMethod = "")
        @Primary
        Admin countedAdmin(@Qualifier("relayAdmin") Admin admin) {
            return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
                if (method.getName().equals("describeTopics")) {
                    TOPIC_LOOKUPS.incrementAndGet();
                }
                try {
                    return method.invoke(admin, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aRoundEndsAtTheFirstSignOfAnOutageWhateverTheBacklog() throws Exception {
        kafka = TestServers.startDedicatedKafka();
        ServerAssumptions.assumeStoppable(kafka);
        fixture = RelayFixture.create(TestServers.postgres(), kafka);
        ConfigurableApplicationContext relay = fixture.startRelay(Map.of(
                "relay.workers", "1",
                "relay.outage-backoff-max", "500ms",
                "relay.shutdown-timeout", "30s",
                // The producer gives up on the dead broker in seconds, so the first round ends soon.
                "relay.producer.delivery.timeout.ms", "3000",
                "relay.producer.request.timeout.ms", "1000"), CountedTopicLookups.class);
        OrderWriter writer = new OrderWriter(fixture.admin);
        writer.append("warm-up");
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.published() == 1);

        kafka.kill();
        MeterRegistry meters = relay.getBean(MeterRegistry.class);
        double roundsBefore = outageRounds(meters);
        int lookupsBefore = TOPIC_LOOKUPS.get();
        // A backlog of distinct orders, none sendable, committed at once so that one round claims them all.
        fixture.jdbc.update("""
                INSERT INTO outbox (event_id, aggregate_id, event_type, payload)
                SELECT gen_random_uuid(), 'outage-order-' || n, 'OrderPlaced', jsonb_build_object('seq', 1)
                  FROM generate_series(1, ?) AS n
                """, ORDERS);

        // Each round that meets the outage ends and is counted; before, the second round looked the
        // topic up once per order, 5 s each: 300 orders held it (and the cycle's locks) for 25 minutes.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(outageRounds(meters) - roundsBefore)
                        .as("rounds ended by the outage (topic look-ups so far: %d)", TOPIC_LOOKUPS.get() - lookupsBefore)
                        .isGreaterThanOrEqualTo(4));
        double outageRounds = outageRounds(meters) - roundsBefore;
        int lookups = TOPIC_LOOKUPS.get() - lookupsBefore;
        assertThat(lookups).as("topic look-ups during the outage").isPositive();
        assertThat(lookups).as("topic look-ups during %s rounds of the outage", outageRounds).isLessThanOrEqualTo((int) outageRounds + 1);
        assertThat(fixture.count("SELECT count(*) FROM outbox WHERE attempts > 0 OR parked_at IS NOT NULL")).isZero();

        long stopping = System.nanoTime();
        relay.close();
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        System.out.printf("outage round: %d topic look-ups in %.0f outage rounds, stopped in %d ms%n", lookups, outageRounds, stopMillis);
        // The worker is at most one look-up (5 s) from its next check; before, stopping waited out relay.shutdown-timeout.
        assertThat(stopMillis).as("time to stop the relay").isLessThan(20_000);
    }

    private static double outageRounds(MeterRegistry meters) {
        return meters.get("relay.failures").tag("kind", "kafka_unavailable").counter().count();
    }
}
