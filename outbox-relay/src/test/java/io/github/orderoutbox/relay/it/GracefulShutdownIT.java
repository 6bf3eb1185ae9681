package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** SIGTERM under load: the relay finishes its batch, releases every lease and unregisters; nothing stays claimed. */
class GracefulShutdownIT {

    private static final Path LOG = Path.of("target", "relay-logs", "graceful.log");

    private RelayFixture fixture;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void sigtermReleasesEveryLeaseAndAnotherRelayTakesOverAtOnce() throws Exception {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        Process relay = fixture.startRelayProcess(Map.of("relay.batch-size", "100", "relay.lease-ttl", "30s",
                "relay.lease-safety-margin", "5s"), LOG);
        await().atMost(Duration.ofSeconds(90)).until(() -> fixture.count("SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL") == 256);

        OrderWriter writer = new OrderWriter(fixture.admin, 300);
        CompletableFuture<Long> writing = writer.writeInBackground(100, 20, 2, 1_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.published() > 200);

        relay.destroy(); // SIGTERM
        assertThat(relay.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fixture.count("SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM outbox_relay_instance")).isZero();
        assertThat(Files.readString(LOG)).contains("relay.leases.released_all").contains("relay.stopped");

        // Leases were 30 s long: a successor that publishes at once proves none was left behind.
        long stoppedAt = System.nanoTime();
        fixture.startRelay(Map.of("relay.lease-ttl", "30s", "relay.lease-safety-margin", "5s"));
        long written = writing.get(2, TimeUnit.MINUTES);
        await().atMost(Duration.ofSeconds(20)).until(() -> fixture.published() == written);
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(30));

        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ExpectedEvents.total(expected),
                Duration.ofSeconds(30));
        int duplicates = CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected);
        assertThat(duplicates).as("a graceful stop marks what Kafka acknowledged, so nothing is sent twice").isZero();
    }
}
