package io.github.orderoutbox.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import io.github.orderoutbox.relay.outbox.OutboxRepository.SettledAndClaimed;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@link OutboxRepository#settleAndClaim}: the previous round's acknowledged rows are deleted (or
 * marked) and the next batch claimed in one round trip, as one implicit transaction. The claim
 * never hands out a row it has just settled, the fence still decides what is settled, and a
 * failure undoes the settling too.
 */
class SettleAndClaimIT {

    private static final int LIMIT = 50;

    private JdbcTemplate admin;
    private OutboxRepository outbox;
    private LeaseSnapshot held;

    @BeforeEach
    void outboxWithRowsInTheHeldBuckets() {
        PostgresServer postgres = TestServers.postgres();
        String database = postgres.createDatabase("settle_and_claim");
        admin = new JdbcTemplate(postgres.dataSource(database));
        MigrationSet.OUTBOX.migrate(admin.getDataSource());
        admin.update(ClaimPlanIT.BULK_INSERT, 400);
        outbox = new OutboxRepository(admin, new TransactionTemplate(new DataSourceTransactionManager(admin.getDataSource())));
        held = OddBuckets.leaseTo(admin, "settle-and-claim");
    }

    @Test
    void deletesTheAcknowledgedRowsAndClaimsTheNextBatchWithoutThem() {
        List<OutboxRow> first = outbox.claimBatch(held.buckets(), LIMIT);
        long[] acknowledged = ids(first);

        SettledAndClaimed next = outbox.settleAndClaim(acknowledged, held, true, held.buckets(), LIMIT);

        assertThat(next.settled()).isEqualTo(LIMIT);
        assertThat(count("SELECT count(*) FROM outbox WHERE id = ANY (?)", (Object) acknowledged)).isZero();
        assertThat(next.claimed()).hasSize(LIMIT).extracting(OutboxRow::id).doesNotContainAnyElementsOf(boxed(acknowledged));
        assertThat(next.claimed().get(0).id()).isGreaterThan(acknowledged[LIMIT - 1]); // the oldest left, in id order
    }

    @Test
    void marksTheAcknowledgedRowsWhenPublishedRowsAreKept() {
        long[] acknowledged = ids(outbox.claimBatch(held.buckets(), LIMIT));

        SettledAndClaimed next = outbox.settleAndClaim(acknowledged, held, false, held.buckets(), LIMIT);

        assertThat(next.settled()).isEqualTo(LIMIT);
        assertThat(count("SELECT count(*) FROM outbox WHERE id = ANY (?) AND published_at IS NOT NULL", (Object) acknowledged))
                .isEqualTo(LIMIT);
        assertThat(next.claimed()).extracting(OutboxRow::id).doesNotContainAnyElementsOf(boxed(acknowledged));
    }

    @Test
    void settlesOnlyWhatTheFenceLetsThrough() {
        long[] acknowledged = ids(outbox.claimBatch(held.buckets(), LIMIT));
        // The lease of the first row's bucket moves on (another owner, a new epoch) while the batch was in flight.
        OutboxRow firstRow = outbox.claimBatch(held.buckets(), 1).get(0);
        admin.update("UPDATE outbox_relay_lease SET owner = 'someone-else', epoch = epoch + 1 WHERE bucket = ?",
                (short) firstRow.bucket());
        long inThatBucket = count("SELECT count(*) FROM outbox WHERE id = ANY (?) AND bucket = ?",
                acknowledged, (short) firstRow.bucket());

        SettledAndClaimed next = outbox.settleAndClaim(acknowledged, held, true, held.buckets(), LIMIT);

        assertThat(inThatBucket).isPositive();
        assertThat(next.settled()).isEqualTo(LIMIT - inThatBucket);
        assertThat(count("SELECT count(*) FROM outbox WHERE id = ANY (?)", (Object) acknowledged)).isEqualTo(inThatBucket);
    }

    @Test
    void aFailedRoundTripSettlesNothing() {
        long[] acknowledged = ids(outbox.claimBatch(held.buckets(), LIMIT));

        // A claim the server refuses (a negative LIMIT) fails the whole round trip, delete included.
        assertThatThrownBy(() -> outbox.settleAndClaim(acknowledged, held, true, held.buckets(), -1))
                .isInstanceOf(DataAccessException.class);

        assertThat(count("SELECT count(*) FROM outbox WHERE id = ANY (?)", (Object) acknowledged)).isEqualTo(LIMIT);
    }

    private long count(String sql, Object... args) {
        return admin.queryForObject(sql, Long.class, args);
    }

    private static long[] ids(List<OutboxRow> rows) {
        assertThat(rows).as("rows claimed in the held buckets").hasSize(LIMIT);
        return rows.stream().mapToLong(OutboxRow::id).toArray();
    }

    private static List<Long> boxed(long[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }
}
