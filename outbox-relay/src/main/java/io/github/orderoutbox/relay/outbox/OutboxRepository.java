package io.github.orderoutbox.relay.outbox;

import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every statement the relay runs against the outbox table. Rows are always addressed by primary
 * key, and every write is fenced: it only takes effect while this instance still holds the lease of
 * the row's bucket under the epoch it claimed the row with.
 */
public class OutboxRepository {

    /**
     * The oldest publishable rows of the given buckets, in id order. A row is held back while an
     * earlier row of its order failed and waits for a retry, or was parked, so a failed event is
     * never overtaken by a later one of the same order. The partial index {@code outbox_unpublished}
     * matches the first two conditions exactly; {@code outbox_held_orders} answers NOT EXISTS.
     */
    static final String CLAIM_BATCH = """
            SELECT o.id, o.event_id, o.aggregate_type, o.aggregate_id, o.event_type, o.event_version,
                   o.payload::text AS payload, o.headers::text AS headers, o.created_at, o.bucket, o.attempts
              FROM outbox o
             WHERE o.published_at IS NULL AND o.parked_at IS NULL
               AND o.bucket = ANY (?)
               AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
               AND NOT EXISTS (
                     SELECT 1 FROM outbox h
                      WHERE h.aggregate_id = o.aggregate_id AND h.id < o.id
                        AND h.published_at IS NULL AND (h.attempts > 0 OR h.parked_at IS NOT NULL))
             ORDER BY o.id
             LIMIT ?
            """;

    /**
     * Pins the claim's plan for its transaction: walk {@code outbox_unpublished} in id order, probe
     * {@code outbox_held_orders} per row, stop at the limit, and plan afresh each time. A queue
     * table's statistics lie, and each lie picked a different bad plan in ClaimPlanIT: right after a
     * bulk insert the planner believed the table empty and scanned and sorted the whole backlog
     * (377 ms instead of 8 ms for 2,000 rows of 200,000); on an analysed empty table it chose a
     * sequential scan for the held-orders probe, and an idle relay cached that generic plan, which
     * then took 17 s per claim after a burst of 100,000 rows. The statement timeout bounds whatever
     * is left: a claim never holds the worker for long.
     */
    static final String PIN_CLAIM_PLAN = """
            SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true),
                   set_config('enable_seqscan', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true),
                   set_config('statement_timeout', '30s', true)
            """;

    static final String PINNED_CLAIM = PIN_CLAIM_PLAN.strip() + ";\n" + CLAIM_BATCH;

    /**
     * The fence of every write, as a condition on the row's bucket: one of the buckets the caller
     * still holds under the epoch it claimed its rows with. {@code ARRAY(...)} makes it an InitPlan,
     * so Postgres reads the leases once per statement. Written as a join, it did so once per row;
     * and once the plan cache switched to a generic plan, which guesses one row for
     * {@code id = ANY (?)}, the join also ran the {@code unnest} once per row: 640,000 comparisons
     * and about 120 ms for a batch of 5,000 rows (auto_explain, side-by-side drain). The held epochs
     * come as one array indexed by bucket ({@link LeaseSnapshot#epochsByBucket()}) and each lease
     * row looks its own up by subscript: joined with an {@code unnest} of the held buckets, which
     * the planner guesses at 10 rows, the InitPlan was a nested loop of 256 by 256 buckets, 32,640
     * join-filter comparisons and about a millisecond per statement, under a steady load most of
     * the delete's time (auto_explain, steady 1,000 events/s). Its parameters, after the
     * statement's own: epochs by bucket, owner.
     */
    private static final String FENCE = """
               AND o.bucket = ANY (ARRAY(
                     SELECT l.bucket
                       FROM outbox_relay_lease l
                      WHERE l.epoch = (?::bigint[])[l.bucket + 1]
                        AND l.owner = ? AND l.expires_at > now()))
            """;

    /**
     * Marks acknowledged rows by primary key; a row marked already keeps its first time. No
     * condition on {@code published_at} in the WHERE: {@code published_at IS NULL} would let the
     * planner walk an index of unpublished rows ({@code outbox_event_id_unpublished}) instead,
     * which it does once the statistics say that index is empty (a drain keeping published rows,
     * analysed while every row was published): 626 ms instead of 20 for a 5,000-row batch. The
     * fence is what keeps a row that another instance holds now from being written.
     */
    static final String MARK_PUBLISHED = """
            UPDATE outbox o
               SET published_at = coalesce(o.published_at, now())
             WHERE o.id = ANY (?)
            """ + FENCE;

    /** With a retention of zero, published rows are deleted at once instead of marked (no index writes); by primary key, as above. */
    static final String DELETE_PUBLISHED = """
            DELETE FROM outbox o
             WHERE o.id = ANY (?)
            """ + FENCE;

    static final String DELETE_THEN_CLAIM = DELETE_PUBLISHED.strip() + ";\n" + PINNED_CLAIM;

    static final String MARK_THEN_CLAIM = MARK_PUBLISHED.strip() + ";\n" + PINNED_CLAIM;

    /**
     * Records a failed attempt at one row, found by primary key alone, like the mark: with
     * {@code published_at IS NULL} here the planner may walk {@code outbox_event_id_unpublished}
     * whole for the one row, when the statistics call that index empty (FencePlanIT). The row was
     * claimed unpublished under the lease the fence checks, so nobody else can have published it.
     */
    static final String RECORD_FAILURE = """
            UPDATE outbox o
               SET attempts = o.attempts + 1,
                   last_error = ?,
                   next_attempt_at = now() + ? * interval '1 millisecond',
                   parked_at = CASE WHEN o.attempts + 1 >= ? THEN now() END
             WHERE o.id = ?
            """ + FENCE + """
            RETURNING o.parked_at IS NOT NULL AS parked
            """;

    /** Parks the rows of an order behind one that was just parked, so operators see the whole gap. */
    static final String PARK_REST_OF_ORDER = """
            UPDATE outbox
               SET parked_at = now()
             WHERE aggregate_id = ? AND id > ? AND published_at IS NULL AND parked_at IS NULL
            """;

    /**
     * First step of a release: locks every unpublished row of the order, in id order (the order the
     * relay's park takes them in). A park in progress holds its rows until it commits, so this waits
     * for it, and {@link #UNPARK_ORDER}, a statement of its own with a snapshot taken after the park,
     * sees every row it parked. Without the lock the release saw the rows as they were before the
     * park: it freed the failed row (whose earlier attempts it saw) and left the rows parked behind it.
     * A later park cannot start meanwhile: it first updates a row locked here.
     */
    static final String LOCK_ORDER = """
            SELECT id
              FROM outbox
             WHERE aggregate_id = ? AND published_at IS NULL
             ORDER BY id
               FOR UPDATE
            """;

    static final String UNPARK_ORDER = """
            UPDATE outbox
               SET parked_at = NULL, attempts = 0, next_attempt_at = NULL
             WHERE aggregate_id = ? AND published_at IS NULL AND (parked_at IS NOT NULL OR attempts > 0)
            """;

    /** What is left of the order after a release, read inside it: its unpublished rows and how many are parked. */
    static final String ORDER_STATE = """
            SELECT count(*) AS pending,
                   count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked
              FROM outbox
             WHERE aggregate_id = ? AND published_at IS NULL
            """;

    static final String STATS = """
            SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL) AS backlog,
                   (SELECT created_at FROM outbox WHERE published_at IS NULL AND parked_at IS NULL
                     ORDER BY id LIMIT 1) AS oldest,
                   (SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NOT NULL) AS parked,
                   (SELECT count(*) FROM outbox WHERE published_at IS NULL AND parked_at IS NULL
                       AND attempts > 0) AS retrying,
                   now() AS db_now
            """;

    static final String LIST_PARKED = """
            SELECT id, event_id, aggregate_id, event_type, attempts, last_error, created_at, parked_at
              FROM outbox
             WHERE published_at IS NULL AND parked_at IS NOT NULL
             ORDER BY id
             LIMIT ?
            """;

    /**
     * Published rows older than the cut-off. {@code created_at <= published_at}, so the first
     * condition only narrows the search (through the BRIN index) without changing the answer.
     */
    static final String DELETE_RETAINED = """
            DELETE FROM outbox
             WHERE id IN (SELECT id FROM outbox
                           WHERE created_at < ? AND published_at < ?
                           LIMIT ?)
            """;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public OutboxRepository(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /**
     * Claims in one round trip: {@link #PIN_CLAIM_PLAN} and {@link #CLAIM_BATCH} go to the server
     * together and run in the implicit transaction that lasts until the driver's Sync, so the
     * settings are in force when the claim is planned and end with it. A transaction of its own
     * would cost two more round trips (the settings, the commit) in every cycle of the relay.
     */
    public List<OutboxRow> claimBatch(short[] buckets, int limit) {
        return jdbc.execute(PINNED_CLAIM, (PreparedStatement ps) -> {
            ps.setObject(1, buckets);
            ps.setInt(2, limit);
            ps.execute(); // the first result is the settings
            return claimedRows(ps);
        });
    }

    /**
     * Settles the rows a previous claim got acknowledged and claims the next batch, in one round
     * trip: the delete (or mark), the claim's planner settings and the claim run in the implicit
     * transaction that lasts until the driver's Sync. The claim therefore cannot see the settled
     * rows again, and if anything fails, all of it is undone and the rows are sent again later
     * (at least once). Under a steady load this halves the relay's round trips.
     *
     * @param delete whether published rows are deleted ({@link #DELETE_PUBLISHED}) or marked
     */
    public SettledAndClaimed settleAndClaim(long[] ids, LeaseSnapshot fence, boolean delete, short[] buckets, int limit) {
        return jdbc.execute(delete ? DELETE_THEN_CLAIM : MARK_THEN_CLAIM, (PreparedStatement ps) -> {
            ps.setObject(1, ids);
            int next = setFence(ps, 2, fence);
            ps.setObject(next, buckets);
            ps.setInt(next + 1, limit);
            ps.execute(); // the first result is the delete's (or mark's) count
            int settled = ps.getUpdateCount();
            if (!ps.getMoreResults()) { // the settings
                throw new IllegalStateException("the settle-and-claim statement returned no settings after its write");
            }
            return new SettledAndClaimed(settled, claimedRows(ps));
        });
    }

    /** What {@link #settleAndClaim} did: how many rows the fence let it settle, and the next batch. */
    public record SettledAndClaimed(int settled, List<OutboxRow> claimed) {
    }

    private static List<OutboxRow> claimedRows(PreparedStatement ps) throws SQLException {
        if (!ps.getMoreResults()) {
            throw new IllegalStateException("the claim returned no rows result after pinning its plan");
        }
        List<OutboxRow> rows = new ArrayList<>(); // most polls under a steady load find a few rows, not the limit
        try (ResultSet rs = ps.getResultSet()) {
            while (rs.next()) {
                rows.add(toRow(rs, rows.size()));
            }
        }
        return rows;
    }

    /** Marks acknowledged rows published; returns how many the fence let through. */
    public int markPublished(long[] ids, LeaseSnapshot leases) {
        return fencedByIds(MARK_PUBLISHED, ids, leases);
    }

    /** Deletes acknowledged rows (retention zero); returns how many the fence let through. */
    public int deletePublished(long[] ids, LeaseSnapshot leases) {
        return fencedByIds(DELETE_PUBLISHED, ids, leases);
    }

    private int fencedByIds(String sql, long[] ids, LeaseSnapshot leases) {
        return jdbc.update(sql, ps -> {
            ps.setObject(1, ids);
            setFence(ps, 2, leases);
        });
    }

    /**
     * Records a failed attempt; parks the row, and the later rows of its order, when it was the last
     * attempt allowed.
     *
     * @return what happened to the row
     */
    public FailureOutcome recordFailure(OutboxRow row, String error, Duration retryIn, int maxAttempts,
                                        LeaseSnapshot leases) {
        return transactions.execute(status -> {
            List<Boolean> parked = jdbc.query(RECORD_FAILURE, ps -> {
                ps.setString(1, truncate(error));
                ps.setLong(2, retryIn.toMillis());
                ps.setInt(3, maxAttempts);
                ps.setLong(4, row.id());
                setFence(ps, 5, leases);
            }, (rs, n) -> rs.getBoolean("parked"));
            if (parked.isEmpty()) {
                return FailureOutcome.FENCED;
            }
            if (!parked.get(0)) {
                return FailureOutcome.RETRY_SCHEDULED;
            }
            jdbc.update(PARK_REST_OF_ORDER, row.aggregateId(), row.id());
            return FailureOutcome.PARKED;
        });
    }

    /**
     * Releases the parked and retrying rows of one order for immediate publication, all of them at
     * once: a park committing meanwhile is waited for, then released with the rest (see {@link #LOCK_ORDER}).
     */
    public OrderRelease releaseOrder(String aggregateId) {
        return transactions.execute(status -> {
            jdbc.query(LOCK_ORDER, rs -> { }, aggregateId);
            int released = jdbc.update(UNPARK_ORDER, aggregateId);
            return jdbc.queryForObject(ORDER_STATE, (rs, n) -> new OrderRelease(aggregateId, released,
                    rs.getInt("pending"), rs.getInt("parked")), aggregateId);
        });
    }

    public List<ParkedRow> listParked(int limit) {
        return jdbc.query(LIST_PARKED, (rs, n) -> new ParkedRow(
                rs.getLong("id"), rs.getObject("event_id", UUID.class), rs.getString("aggregate_id"),
                rs.getString("event_type"), rs.getInt("attempts"), rs.getString("last_error"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("parked_at").toInstant()), limit);
    }

    public OutboxStats stats() {
        return jdbc.queryForObject(STATS, (rs, n) -> {
            Timestamp oldest = rs.getTimestamp("oldest");
            Instant now = rs.getTimestamp("db_now").toInstant();
            Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), now);
            return new OutboxStats(rs.getLong("backlog"), age.isNegative() ? Duration.ZERO : age,
                    rs.getLong("parked"), rs.getLong("retrying"));
        });
    }

    /** Deletes up to {@code limit} rows published before the cut-off; returns how many. */
    public int deletePublishedBefore(Instant cutoff, int limit) {
        Timestamp at = Timestamp.from(cutoff);
        return jdbc.update(DELETE_RETAINED, at, at, limit);
    }

    /** Sets {@link #FENCE}'s two parameters, from index {@code first}; returns the index after them. */
    private static int setFence(PreparedStatement ps, int first, LeaseSnapshot leases) throws SQLException {
        ps.setObject(first, leases.epochsByBucket());
        ps.setString(first + 1, leases.owner());
        return first + 2;
    }

    private static OutboxRow toRow(ResultSet rs, int rowNum) throws SQLException {
        return new OutboxRow(
                rs.getLong("id"),
                rs.getObject("event_id", UUID.class),
                rs.getString("aggregate_type"),
                rs.getString("aggregate_id"),
                rs.getString("event_type"),
                rs.getInt("event_version"),
                rs.getString("payload"),
                rs.getString("headers"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getShort("bucket"),
                rs.getInt("attempts"));
    }

    private static String truncate(String error) {
        return error.length() <= 2000 ? error : error.substring(0, 2000) + "…";
    }

    /** What recording a failure did. */
    public enum FailureOutcome {
        /** The row waits for its next attempt. */
        RETRY_SCHEDULED,
        /** The row used its last attempt; it and the rest of its order wait for an operator. */
        PARKED,
        /** The lease was lost meanwhile; the new holder will retry the row. */
        FENCED
    }
}
