package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.ServerAssumptions;
import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Postgres restarted under load: the relay recovers by itself, nothing is lost, commit order holds. */
class PostgresRestartIT {

    private PostgresServer postgres;
    private RelayFixture fixture;

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void postgresRestartedUnderLoadLosesNothingAndKeepsCommitOrder() throws Exception {
        postgres = TestServers.startDedicatedPostgres();
        ServerAssumptions.assumeStoppable(postgres);
        fixture = RelayFixture.create(postgres, TestServers.kafka());
        fixture.startRelay(Map.of("relay.batch-size", "200"));

        // A real orders service retries a transaction that failed because the database went away.
        OrderWriter writer = new OrderWriter(fixture.admin, 300);
        AtomicLong retries = new AtomicLong();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            for (int e = 0; e < 15; e++) {
                for (int o = 0; o < 200; o++) {
                    while (true) {
                        try {
                            writer.append(OrderWriter.orderId(o));
                            break;
                        } catch (RuntimeException databaseDown) {
                            retries.incrementAndGet();
                            sleep(200);
                        }
                    }
                }
                sleep(300);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> published() > 500);

        postgres.stop();
        Thread.sleep(5_000);
        postgres.start();

        writing.get(3, TimeUnit.MINUTES);
        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        int total = ExpectedEvents.total(expected);
        await().atMost(Duration.ofSeconds(90)).until(() -> published() == total);
        assertThat(retries.get()).as("writer transactions that failed while Postgres was down").isPositive();

        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, total, Duration.ofSeconds(60));
        assertThat(events.distinctEventIds()).hasSize(total);
        int duplicates = CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected);
        System.out.printf("postgres restart: events=%d writer_retries=%d duplicates=%d%n", total, retries.get(), duplicates);
    }

    private long published() {
        try {
            Long count = fixture.jdbc.queryForObject("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL", Long.class);
            return count == null ? 0 : count;
        } catch (RuntimeException databaseDown) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
