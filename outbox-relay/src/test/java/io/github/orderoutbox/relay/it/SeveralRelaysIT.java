package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Three relays share one outbox while writers race: every order's events come out of Kafka once
 * each and in commit order, and every relay did part of the work.
 */
class SeveralRelaysIT {

    private static final int ORDERS = 1_000;
    private static final int EVENTS_PER_ORDER = 10;

    private RelayFixture fixture;
    private String relayUser;

    @BeforeEach
    void setUp() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        relayUser = "relay_it_" + Math.abs(System.nanoTime() % 1_000_000_000);
        fixture.jdbc.execute("CREATE ROLE " + relayUser + " LOGIN PASSWORD 'relay-it-secret' IN ROLE outbox_relay");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
        fixture.jdbc.execute("DROP ROLE IF EXISTS " + relayUser);
    }

    @Test
    void threeRelaysPublishEveryOrdersEventsOnceInCommitOrderAndShareTheWork() throws Exception {
        // The relays run as a login user that has only the outbox_relay role: least privilege is enough.
        Map<String, String> asRelayRole = Map.of(
                "spring.datasource.username", relayUser,
                "spring.datasource.password", "relay-it-secret",
                "relay.batch-size", "500");
        List<ConfigurableApplicationContext> relays = List.of(
                fixture.startRelay(asRelayRole), fixture.startRelay(asRelayRole), fixture.startRelay(asRelayRole));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(fixture.jdbc.queryForList(
                "SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL AND expires_at > now() GROUP BY owner", Long.class))
                .hasSize(3).allSatisfy(held -> assertThat(held).isBetween(80L, 90L)));

        new OrderWriter(fixture.admin).writeConcurrently(ORDERS, EVENTS_PER_ORDER, 6, 0, null);

        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ORDERS * EVENTS_PER_ORDER,
                Duration.ofSeconds(120));
        CommitOrder.assertExactlyOnceInCommitOrder(events.seqByOrder(), ORDERS, EVENTS_PER_ORDER);
        assertThat(events.records()).hasSize(ORDERS * EVENTS_PER_ORDER);

        for (ConfigurableApplicationContext relay : relays) {
            double published = relay.getBean(MeterRegistry.class).get("relay.events.published").counter().count();
            assertThat(published).as("events published by one of three relays").isGreaterThan(ORDERS * EVENTS_PER_ORDER / 10.0);
        }
        assertThat(fixture.jdbc.queryForObject("SELECT count(*) FROM outbox WHERE published_at IS NULL", Long.class)).isZero();
    }
}
