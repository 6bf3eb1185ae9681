package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Under a steady trickle a worker keeps its locks through the short waits between rounds and sends
 * each round's mark in the round trip of the next claim, ahead of it: one statement, not two. The
 * events still come out once each, in commit order. The relay runs in this JVM with its data source
 * wrapped ({@link PreparedStatements}), so the test sees every statement it prepares.
 */
class SteadyRoundsIT {

    private static final Queue<String> PREPARED = new ConcurrentLinkedQueue<>();

    private RelayFixture fixture;

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aSteadyTrickleMarksEachRoundWithTheNextClaim() throws Exception {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        PreparedStatements.listen((sql, statement) -> {
            PREPARED.add(sql);
            return statement;
        });
        fixture.startRelay(Map.of(), PreparedStatements.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count("SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL") == 256);
        PREPARED.clear();

        // 300 events, one writer, about 150 a second: a few rows per round, never a full batch.
        long written = new OrderWriter(fixture.admin, 300).writeConcurrently(30, 10, 1, 5_000, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.published() == written);

        List<String> marks = PREPARED.stream().filter(sql -> sql.startsWith("UPDATE outbox o") && sql.contains("SET published_at")).toList();
        long withClaim = marks.stream().filter(sql -> sql.contains("LIMIT")).count();
        assertThat(withClaim).as("rounds marked in the round trip of the next claim").isGreaterThanOrEqualTo(30);
        assertThat(marks.size() - withClaim).as("marks in a round trip of their own (a hold reaching its 1 s limit)")
                .isLessThanOrEqualTo(withClaim / 10);

        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ExpectedEvents.total(expected),
                Duration.ofSeconds(30));
        assertThat(CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected)).as("events sent twice").isZero();
    }
}
