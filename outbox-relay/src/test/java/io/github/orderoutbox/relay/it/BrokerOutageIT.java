package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker killed for ten seconds under load: nothing is lost, no order is reordered, the relay recovers alone. */
class BrokerOutageIT {

    private KafkaServer kafka;
    private RelayFixture fixture;

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
    void brokerDownForTenSecondsUnderLoadLosesNothingAndKeepsCommitOrder() throws Exception {
        kafka = TestServers.startDedicatedKafka();
        ServerAssumptions.assumeStoppable(kafka);
        fixture = RelayFixture.create(TestServers.postgres(), kafka);
        fixture.startRelay(Map.of("relay.batch-size", "200", "relay.outage-backoff-max", "2s"));

        OrderWriter writer = new OrderWriter(fixture.admin, 300);
        CompletableFuture<Long> writing = writer.writeInBackground(200, 30, 3, 2_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.published() > 500);

        kafka.kill();
        long downAt = System.nanoTime();
        long publishedWhenDown = fixture.published();
        Thread.sleep(10_000);
        long publishedDuringOutage = fixture.published() - publishedWhenDown;
        kafka.start();
        System.out.printf("broker outage: down for %d ms, published during outage %d%n",
                (System.nanoTime() - downAt) / 1_000_000, publishedDuringOutage);

        long written = writing.get(3, TimeUnit.MINUTES);
        await().atMost(Duration.ofSeconds(120)).until(() -> fixture.published() == written);
        // Only events acknowledged before the broker died may have been marked while it was down.
        assertThat(publishedDuringOutage).isLessThan(500);

        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        var events = TopicReader.readAll(kafka.bootstrapServers(), fixture.topic, ExpectedEvents.total(expected),
                Duration.ofSeconds(60));
        assertThat(events.distinctEventIds()).hasSize((int) written);
        int duplicates = CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected);
        System.out.printf("broker outage: written=%d duplicates=%d%n", written, duplicates);
    }
}
