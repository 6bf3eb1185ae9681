package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A relay process killed with SIGKILL in the middle of its work, then a new one started: nothing is
 * lost and each order's events still come out in commit order (the killed batch may be sent twice).
 */
class RelayCrashIT {

    private static final Path LOGS = Path.of("target", "relay-logs");
    /** The relay's mark statement, waiting for a lock. */
    private static final String WAITING_MARK = """
            SELECT count(*) FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE outbox o%SET published_at =%'
            """;

    private RelayFixture fixture;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void relayKilledMidRunAndRestartedLosesNothingAndKeepsCommitOrder() throws Exception {
        fixture = RelayFixture.createUnmigrated(TestServers.postgres(), TestServers.kafka());
        // The first relay also applies the migrations, as a relay does by default.
        Map<String, String> settings = Map.of("spring.flyway.enabled", "true", "relay.batch-size", "200");
        Process first = fixture.startRelayProcess(settings, LOGS.resolve("crash-first.log"));
        await().atMost(Duration.ofSeconds(90)).until(() -> leasesHeld() == 256);
        OrderWriter.createOrdersTable(fixture.jdbc);

        OrderWriter writer = new OrderWriter(fixture.admin, 300);
        CompletableFuture<Long> writing = writer.writeInBackground(300, 20, 3, 500);
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.published() > 1_000);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no lease release, a batch in flight
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long publishedAtKill = fixture.published();

        Process second = fixture.startRelayProcess(Map.of("relay.batch-size", "200"), LOGS.resolve("crash-second.log"));
        long written = writing.get(3, TimeUnit.MINUTES);
        assertThat(written).isEqualTo(6_000);
        await().atMost(Duration.ofSeconds(90)).until(() -> fixture.published() == written);
        assertThat(publishedAtKill).isLessThan(written);

        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ExpectedEvents.total(expected),
                Duration.ofSeconds(60));
        assertThat(events.distinctEventIds()).hasSize((int) written);
        int duplicates = CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected);
        System.out.printf("relay crash: written=%d published_at_kill=%d duplicates=%d%n", written, publishedAtKill, duplicates);
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void relayKilledBetweenAcknowledgementAndMarkingRepublishesTheBatchInCommitOrder() throws Exception {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        new OrderWriter(fixture.admin, 300).writeConcurrently(100, 10, 2, 0, null);

        // EXCLUSIVE lets the relay read and send its batch but blocks its UPDATE: the batch is
        // acknowledged by Kafka and not marked when the relay dies.
        try (Connection lockHolder = fixture.admin.getConnection()) {
            lockHolder.setAutoCommit(false);
            lockHolder.createStatement().execute("LOCK TABLE outbox IN EXCLUSIVE MODE");
            Process first = fixture.startRelayProcess(Map.of("relay.batch-size", "500"), LOGS.resolve("crash-mid-batch-first.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count(WAITING_MARK) > 0);
            first.destroyForcibly();
            assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
            // A backend waiting for a lock does not notice its client died and would still run the
            // UPDATE once the lock is free; end it, as if the relay had died before sending it.
            fixture.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ("
                    + WAITING_MARK.replace("count(*)", "pid") + ")");
            lockHolder.rollback();
        }
        var inKafkaAtKill = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, 1_000, Duration.ofSeconds(5));
        assertThat(fixture.published())
                .as("events marked before the kill").isLessThan(inKafkaAtKill.distinctEventIds().size());

        fixture.startRelayProcess(Map.of("relay.batch-size", "500"), LOGS.resolve("crash-mid-batch-second.log"));
        await().atMost(Duration.ofSeconds(90)).until(() -> fixture.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0);

        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, 1_000, Duration.ofSeconds(60));
        assertThat(events.distinctEventIds()).hasSize(1_000);
        int duplicates = CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected);
        assertThat(duplicates).as("the acknowledged, unmarked batch is sent again").isPositive();
        System.out.printf("relay killed mid-batch: duplicates=%d%n", duplicates);
    }

    private long leasesHeld() {
        try {
            Long held = fixture.jdbc.queryForObject(
                    "SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL AND expires_at > now()", Long.class);
            return held == null ? 0 : held;
        } catch (RuntimeException tablesNotYetCreated) {
            return 0;
        }
    }
}
