package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A steady trickle turning into a backlog: worker 0, which served every bucket group alone and kept
 * its locks through the waits between rounds (each round's delete riding on the next claim), has to
 * finish and delete its last round before it lets the groups go, because worker 1 claims the oldest
 * rows of its group at once. Were the locks released first, worker 1 would claim rows Kafka had
 * acknowledged but the outbox still held, and publish them a second time (with the groups released,
 * or the delete run, after the locks went, a run of this test sent 9,934 and 17,130 events twice).
 *
 * <p>The test runs the relay in this JVM with its data source wrapped ({@link PreparedStatements}), so it sees which thread
 * prepared each statement in which phase, and proves both modes happened: hold-through rounds of
 * worker 0 before each burst, claims and deletes of worker 1 during it.
 */
class BacklogHandOverIT {

    private static final int BATCH_SIZE = 5_000;
    private static final int BURSTS = 3;
    /** Orders per burst, and events per order: 20,000 rows, four full batches, committed at once. */
    private static final int BURST_ORDERS = 2_000;
    private static final int BURST_EVENTS_PER_ORDER = 10;
    private static final Duration TRICKLE_ALONE = Duration.ofMillis(1_500);

    /**
     * One burst in one transaction: the orders with their final version, and their events in commit
     * order (all first events, then all second ones, ...), so {@code seq} grows with the id per order.
     */
    private static final String WRITE_BURST = """
            WITH orders AS (
                INSERT INTO shop_order (id, version)
                SELECT ? || o, ? FROM generate_series(1, ?) AS o)
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload)
            SELECT gen_random_uuid(), ? || o, 'OrderUpdated', 1, jsonb_build_object('seq', s, 'pad', '')
              FROM generate_series(1, ?) AS s, generate_series(1, ?) AS o
             ORDER BY s, o
            """;

    /** Every statement the relay's workers prepared, with the phase of the test it fell in. */
    private static final Queue<Prepared> PREPARED = new ConcurrentLinkedQueue<>();
    /** 2i: the trickle alone before burst i; 2i + 1: burst i draining; 2 * BURSTS: the trickle after the last. */
    private static volatile int phase;

    private final AtomicBoolean trickling = new AtomicBoolean(true);
    private RelayFixture fixture;

    @AfterEach
    void tearDown() {
        trickling.set(false);
        fixture.close();
    }

    @Test
    void aTrickleTurningIntoABacklogHandsTheGroupsOverWithoutADuplicate() throws Exception {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        // The default retention (zero): acknowledged rows are deleted, with the next claim while the worker holds through.
        PreparedStatements.listen(BacklogHandOverIT::logged);
        fixture.startRelay(Map.of("relay.workers", "2", "relay.batch-size", String.valueOf(BATCH_SIZE), "relay.retention", "0s"),
                PreparedStatements.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count("SELECT count(*) FROM outbox_relay_lease WHERE owner IS NOT NULL") == 256);
        phase = 0;
        PREPARED.clear();

        // About 150 events a second over 300 orders, spread over every bucket: a few rows per round.
        CompletableFuture<Long> trickle = CompletableFuture.supplyAsync(() -> {
            try {
                return new OrderWriter(fixture.admin, 300).writeConcurrently(300, 100, 1, 5_000, trickling);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        for (int burst = 0; burst < BURSTS; burst++) {
            phase = 2 * burst;
            Thread.sleep(TRICKLE_ALONE.toMillis());
            String prefix = "burst" + burst + "-";
            fixture.jdbc.update(WRITE_BURST, prefix, BURST_EVENTS_PER_ORDER, BURST_ORDERS, prefix, BURST_EVENTS_PER_ORDER, BURST_ORDERS);
            phase = 2 * burst + 1;
            // Drained back to a trickle: a few rows waiting at most.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> fixture.count("SELECT count(*) FROM outbox") < 50);
        }
        phase = 2 * BURSTS;
        Thread.sleep(TRICKLE_ALONE.toMillis());
        trickling.set(false);
        long trickled = trickle.get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.count("SELECT count(*) FROM outbox") == 0);
        assertThat(trickled).as("trickle events written").isGreaterThan(100);

        var expected = ExpectedEvents.byOrder(fixture.jdbc);
        assertThat(ExpectedEvents.total(expected)).isEqualTo(trickled + (long) BURSTS * BURST_ORDERS * BURST_EVENTS_PER_ORDER);
        var events = TopicReader.readAll(fixture.kafka.bootstrapServers(), fixture.topic, ExpectedEvents.total(expected),
                Duration.ofSeconds(60));
        assertThat(CommitOrder.assertAllInCommitOrder(events.seqByOrder(), expected)).as("events sent twice").isZero();

        // And the run went through both modes: worker 0 alone, holding through, before each burst
        // and after the last; worker 1 claiming and publishing rows of its group during each burst.
        List<Prepared> statements = List.copyOf(PREPARED);
        for (int burst = 0; burst <= BURSTS; burst++) {
            int trickleAlone = 2 * burst;
            assertThat(statements.stream().filter(p -> p.phase() == trickleAlone && p.byWorker(0) && p.settlesWithClaim()).count())
                    .as("rounds of worker 0 deleted in the round trip of its next claim, trickle alone (phase %d)", trickleAlone)
                    .isGreaterThanOrEqualTo(10);
        }
        assertThat(statements.stream().filter(p -> p.phase() == 0 && !p.byWorker(0) && p.claims()).count())
                .as("claims of other workers while the trickle ran alone, before the first burst")
                .isZero();
        for (int burst = 0; burst < BURSTS; burst++) {
            int draining = 2 * burst + 1;
            assertThat(statements.stream().filter(p -> p.phase() == draining && p.byWorker(1) && p.claims()).count())
                    .as("claims of worker 1 during burst %d", burst)
                    .isPositive();
            // In a correct run about 5,000 to 7,500 (its group's share of the burst, less worker 0's first full batch).
            assertThat(statements.stream().filter(p -> p.phase() == draining && p.byWorker(1)).mapToLong(Prepared::settled).sum())
                    .as("rows worker 1 published and deleted during burst %d", burst)
                    .isGreaterThanOrEqualTo(1_000);
        }
    }

    /** Logs a statement a worker prepares in {@link #PREPARED}; a delete run on its own is logged when run, with its row count. */
    private static PreparedStatement logged(String sql, PreparedStatement statement) {
        String thread = Thread.currentThread().getName();
        if (!thread.startsWith("relay-worker-")) {
            return statement;
        }
        int at = phase;
        if (!sql.startsWith("DELETE FROM outbox o") || sql.contains("LIMIT")) {
            PREPARED.add(new Prepared(thread, at, sql, 0));
            return statement;
        }
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    Object value = PreparedStatements.invoke(method, statement, args);
                    if (method.getName().equals("executeUpdate")) {
                        PREPARED.add(new Prepared(thread, at, sql, ((Number) value).longValue()));
                    }
                    return value;
                });
    }

    /** A statement a worker prepared; {@code settled} is the row count of a delete run on its own, else 0. */
    private record Prepared(String thread, int phase, String sql, long settled) {

        boolean byWorker(int index) {
            return thread.equals("relay-worker-" + index);
        }

        boolean claims() {
            return sql.contains("LIMIT");
        }

        boolean settlesWithClaim() {
            return sql.startsWith("DELETE FROM outbox o") && claims();
        }
    }
}
