package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.lease.LeaseRepository;
import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import io.github.orderoutbox.relay.outbox.OutboxRepository;
import io.github.orderoutbox.relay.outbox.OutboxRepository.FailureOutcome;
import io.github.orderoutbox.relay.outbox.OutboxRow;
import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Buckets are shared fairly between live instances, and an instance that was paused past its lease
 * is fenced: it stops trusting its leases before anyone can take them over, and once they are
 * taken over it can neither mark nor fail rows under the old epoch.
 */
class LeaseFencingIT {

    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration MARGIN = Duration.ofSeconds(1);

    private RelayFixture fixture;
    private LeaseRepository leases;
    private OutboxRepository outbox;

    @BeforeEach
    void setUp() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        leases = new LeaseRepository(fixture.jdbc);
        outbox = new OutboxRepository(fixture.jdbc, new TransactionTemplate(new DataSourceTransactionManager(fixture.admin)));
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private LeaseKeeper keeper(String owner, AtomicLong clock) {
        return new LeaseKeeper(leases, owner, "test-host", TTL, MARGIN, clock::get);
    }

    @Test
    void liveInstancesConvergeOnAFairShareOfTheBuckets() {
        AtomicLong clock = new AtomicLong();
        LeaseKeeper a = keeper("a", clock);
        LeaseKeeper b = keeper("b", clock);
        LeaseKeeper c = keeper("c", clock);
        a.heartbeat();
        assertThat(a.heldCount()).isEqualTo(256);
        for (int beat = 0; beat < 4; beat++) {
            b.heartbeat();
            c.heartbeat();
            a.heartbeat();
        }
        assertThat(List.of(a.heldCount(), b.heldCount(), c.heldCount())).allSatisfy(held -> assertThat(held).isBetween(84, 86));
        assertThat(a.heldCount() + b.heldCount() + c.heldCount()).isEqualTo(256);

        c.releaseAll();
        for (int beat = 0; beat < 2; beat++) {
            a.heartbeat();
            b.heartbeat();
        }
        assertThat(List.of(a.heldCount(), b.heldCount())).containsExactly(128, 128);
    }

    @Test
    void pausedInstanceStopsTrustingItsLeasesBeforeTheyExpire() {
        AtomicLong clock = new AtomicLong();
        LeaseKeeper a = keeper("a", clock);
        a.heartbeat();
        LeaseSnapshot snapshot = a.snapshot(0, 1);
        assertThat(a.maySend(snapshot.buckets()[0], snapshot.epochs()[0])).isTrue();

        clock.addAndGet(TTL.minus(MARGIN).toNanos() + 1); // a pause longer than ttl - margin, without a heartbeat
        assertThat(a.maySend(snapshot.buckets()[0], snapshot.epochs()[0])).isFalse();
        assertThat(a.snapshot(0, 1).isEmpty()).isTrue();

        a.heartbeat(); // awake again, and nobody took the buckets: the same epochs are trusted again
        assertThat(a.maySend(snapshot.buckets()[0], snapshot.epochs()[0])).isTrue();
    }

    @Test
    void staleInstanceCannotMarkOrFailRowsAfterItsBucketsWereTakenOver() {
        new OrderWriter(fixture.admin).append("order-1");
        AtomicLong clockA = new AtomicLong();
        LeaseKeeper a = keeper("a", clockA);
        a.heartbeat();
        LeaseSnapshot staleSnapshot = a.snapshot(0, 1);
        List<OutboxRow> claimed = outbox.claimBatch(staleSnapshot.buckets(), 10);
        assertThat(claimed).hasSize(1);

        // a is paused (GC, network): its heartbeat stops, its leases expire, b takes every bucket.
        clockA.addAndGet(Duration.ofSeconds(30).toNanos());
        fixture.jdbc.update("UPDATE outbox_relay_lease SET expires_at = now() - interval '1 second'");
        fixture.jdbc.update("UPDATE outbox_relay_instance SET heartbeat_at = now() - interval '1 minute' WHERE instance_id = 'a'");
        LeaseKeeper b = keeper("b", new AtomicLong());
        b.heartbeat();
        assertThat(b.heldCount()).isEqualTo(256);

        // a wakes up with its old snapshot: every write is refused by the epoch fence.
        OutboxRow row = claimed.get(0);
        assertThat(a.maySend((short) row.bucket(), staleSnapshot.epochOf(row.bucket()))).isFalse();
        assertThat(outbox.markPublished(new long[] {row.id()}, staleSnapshot)).isZero();
        assertThat(outbox.recordFailure(row, "late failure", Duration.ofSeconds(1), 10, staleSnapshot))
                .isEqualTo(FailureOutcome.FENCED);
        assertThat(fixture.jdbc.queryForObject("SELECT published_at IS NULL AND attempts = 0 FROM outbox WHERE id = ?",
                Boolean.class, row.id())).isTrue();

        // a's next heartbeat finds its buckets gone; b, with the new epochs, publishes the row.
        a.heartbeat();
        assertThat(a.heldCount()).isZero();
        assertThat(outbox.markPublished(new long[] {row.id()}, b.snapshot(0, 1))).isEqualTo(1);
    }
}
