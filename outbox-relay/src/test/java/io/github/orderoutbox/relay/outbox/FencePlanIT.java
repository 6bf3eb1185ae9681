package io.github.orderoutbox.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The fence of the relay's writes reads the lease table once per statement, not once per row, and
 * each lease row about once, not once per held bucket, in the plan for the values and in the
 * generic plan alike. The fence used to be a join, and the
 * generic plan the server settles on after a few batches (it guesses one row for {@code id = ANY (?)})
 * ran the lease lookup and the {@code unnest} of the held buckets once per row: a 5,000-row mark of a
 * drain took 120 ms instead of 20. The plans are those of the relay's own {@link OutboxRepository},
 * with {@code auto_explain.log_analyze}, so each node says how often it ran.
 */
class FencePlanIT {

    private static final int ROWS = 5_000;
    private static final String OWNER = "fence-plan";

    private JdbcTemplate admin;
    private ExplainedSession session;
    private LeaseSnapshot oddBuckets;
    private long[] allIds;
    private long rowsInOddBuckets;

    @BeforeEach
    void outboxWithHalfTheBucketsLeased() {
        session = ExplainedSession.onFreshOutbox("fence_plan", "20s", true);
        admin = session.admin;
        admin.update(ClaimPlanIT.BULK_INSERT, ROWS);
        admin.execute("ANALYZE outbox");
        oddBuckets = OddBuckets.leaseTo(admin, OWNER);
        allIds = admin.queryForList("SELECT id FROM outbox ORDER BY id", Long.class).stream().mapToLong(Long::longValue).toArray();
        rowsInOddBuckets = admin.queryForObject("SELECT count(*) FROM outbox WHERE bucket % 2 = 1", Long.class);
        assertThat(rowsInOddBuckets).as("rows in the held buckets").isBetween(1_000L, 4_000L);
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    /** The delete (retention zero) and the mark (rows kept), each with the plan for the values and the generic plan. */
    @ParameterizedTest(name = "{0}, plan_cache_mode {1}")
    @CsvSource({"delete, auto", "delete, force_generic_plan", "mark, auto", "mark, force_generic_plan"})
    void theWriteReadsTheLeasesOncePerStatement(String write, String planCacheMode) {
        session.set("SET plan_cache_mode = " + planCacheMode);
        boolean delete = "delete".equals(write);

        assertFencedOncePerStatement(delete ? "DELETE FROM outbox o" : "UPDATE outbox o",
                delete ? OutboxRepository::deletePublished : OutboxRepository::markPublished);

        assertThat(delete
                ? admin.queryForObject("SELECT count(*) FROM outbox", Long.class)
                : admin.queryForObject("SELECT count(*) FROM outbox WHERE published_at IS NULL", Long.class))
                .as("rows left unpublished: those of the buckets not held")
                .isEqualTo(ROWS - rowsInOddBuckets);
    }

    /**
     * A drain keeping published rows: the warm-up's rows are published and analysed, so the
     * statistics say no row is unpublished when the next backlog arrives. The mark must still find
     * its rows by primary key, not walk an index of unpublished rows that the statistics call empty
     * (it walked {@code outbox_event_id_unpublished}, 25,000 entries for 5,000 rows). The delete too,
     * for a relay whose retention was set to zero after keeping rows.
     */
    @Test
    void writesFindTheirRowsByPrimaryKeyWhenTheStatisticsSayNothingIsUnpublished() {
        statisticsSayingNothingIsUnpublished();
        for (String mode : List.of("auto", "force_generic_plan")) {
            session.set("SET plan_cache_mode = " + mode);
            // The next 5,000 unpublished rows: marked, then (unmarked again) deleted.
            allIds = admin.queryForList("SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT ?", Long.class, ROWS)
                    .stream().mapToLong(Long::longValue).toArray();
            long first = allIds[0];
            long last = allIds[allIds.length - 1];
            rowsInOddBuckets = admin.queryForObject(
                    "SELECT count(*) FROM outbox WHERE bucket % 2 = 1 AND id BETWEEN ? AND ?", Long.class, first, last);
            assertScansByIndex(mode, assertFencedOncePerStatement("UPDATE outbox o", OutboxRepository::markPublished), "outbox_pkey");
            admin.update("UPDATE outbox SET published_at = NULL WHERE id BETWEEN ? AND ?", first, last);
            assertScansByIndex(mode, assertFencedOncePerStatement("DELETE FROM outbox o", OutboxRepository::deletePublished),
                    "outbox_pkey");
            admin.update("UPDATE outbox SET published_at = now() WHERE id BETWEEN ? AND ?", first, last); // the even buckets' rows
        }
    }

    /**
     * The failure path under the same statistics. Recording a failed attempt addresses one row and
     * must find it by primary key, not walk {@code outbox_event_id_unpublished}, whose predicate its
     * {@code published_at IS NULL} satisfies. Parking the rest of the order reads the unpublished
     * rows after the parked one ({@code outbox_unpublished}): bounded by the backlog, not the history.
     */
    @Test
    void theFailurePathFindsItsRowsByKeyWhenTheStatisticsSayNothingIsUnpublished() {
        statisticsSayingNothingIsUnpublished();
        for (String mode : List.of("auto", "force_generic_plan")) {
            session.set("SET plan_cache_mode = " + mode);
            OutboxRow row = session.outbox.claimBatch(oddBuckets.buckets(), 1).get(0);
            AtomicReference<OutboxRepository.FailureOutcome> outcome = new AtomicReference<>();

            List<JsonNode> plans = session.plansOf("UPDATE outbox", () -> outcome.set(
                    session.outbox.recordFailure(row, "refused by the test", Duration.ofMinutes(1), 1, oddBuckets)));

            assertThat(outcome.get()).isEqualTo(OutboxRepository.FailureOutcome.PARKED);
            assertThat(plans).as("the failure's plan, then the parking's").hasSize(2);
            assertScansByIndex(mode, plans.get(0), "outbox_pkey");
            assertScansByIndex(mode, plans.get(1), "outbox_unpublished");
            assertThat(admin.queryForObject("SELECT count(*) FROM outbox WHERE aggregate_id = ? AND parked_at IS NOT NULL",
                    Long.class, row.aggregateId())).as("the row and the rest of its order, parked")
                    .isEqualTo(admin.queryForObject("SELECT count(*) FROM outbox WHERE aggregate_id = ? AND published_at IS NULL",
                            Long.class, row.aggregateId()));
        }
    }

    /** Every row published and analysed, then 25,000 new unpublished rows that the statistics do not know of. */
    private void statisticsSayingNothingIsUnpublished() {
        admin.update("UPDATE outbox SET published_at = now()");
        admin.execute("ANALYZE outbox");
        admin.update(ClaimPlanIT.BULK_INSERT, 5 * ROWS);
    }

    private static void assertScansByIndex(String mode, JsonNode plan, String index) {
        List<JsonNode> outboxScans = ExplainedSession.nodes(plan).stream()
                .filter(n -> "outbox".equals(n.path("Relation Name").asString("")) && n.has("Scan Direction"))
                .toList();
        assertThat(outboxScans).as("plan_cache_mode %s, scans of the outbox (index name only): %s", mode,
                        outboxScans.stream().map(n -> n.path("Node Type").asString() + " " + n.path("Index Name").asString()).toList())
                .singleElement().satisfies(scan -> assertThat(scan.path("Index Name").asString()).isEqualTo(index));
    }

    /**
     * Writes every row's id through the fence of the odd buckets: only their rows are written (the
     * fence holds), the lease table is read once per statement, and the fence looks at each lease
     * row about once: at most {@link LeaseKeeper#BUCKETS} rows a node, and twice that in all. The
     * join with an {@code unnest} of the held buckets ran each lease row once per held bucket
     * (32,640 join-filter comparisons for 256 buckets, about a millisecond per statement).
     */
    private JsonNode assertFencedOncePerStatement(String statement, FencedWrite write) {
        AtomicInteger written = new AtomicInteger();
        List<JsonNode> plans = session.plansOf(statement, () -> written.set(write.apply(session.outbox, allIds, oddBuckets)));

        assertThat(written.get()).as("rows let through by the fence").isEqualTo(rowsInOddBuckets);
        assertThat(plans).as("auto_explain plans among the notices %s", session.notices()).hasSize(1);
        String shown = ExplainedSession.pretty(plans.get(0));
        List<JsonNode> fence = ExplainedSession.nodes(plans.get(0)).stream()
                .filter(n -> "InitPlan".equals(n.path("Parent Relationship").asString("")))
                .flatMap(n -> ExplainedSession.nodes(n).stream())
                .toList();
        List<JsonNode> leaseReads = fence.stream()
                .filter(n -> "outbox_relay_lease".equals(n.path("Relation Name").asString(""))).toList();
        assertThat(leaseReads).as("the fence (an InitPlan) reads the lease table: %s", shown).isNotEmpty();
        assertThat(leaseReads).as("each read of the leases runs once per statement: %s", shown)
                .allSatisfy(n -> assertThat(n.path("Actual Loops").asLong()).isEqualTo(1));
        assertThat(fence).as("rows each node of the fence looked at: %s", shown)
                .allSatisfy(n -> assertThat(rowsLookedAt(n)).isLessThanOrEqualTo(LeaseKeeper.BUCKETS));
        assertThat(fence.stream().mapToLong(FencePlanIT::rowsLookedAt).sum()).as("rows the fence looked at in all: %s", shown)
                .isLessThanOrEqualTo(2L * LeaseKeeper.BUCKETS);
        return plans.get(0);
    }

    /** Rows a plan node produced over all its loops, plus those its filters removed. */
    private static long rowsLookedAt(JsonNode node) {
        return node.path("Actual Rows").asLong() * node.path("Actual Loops").asLong()
                + node.path("Rows Removed by Filter").asLong() + node.path("Rows Removed by Join Filter").asLong();
    }

    @FunctionalInterface
    private interface FencedWrite {
        int apply(OutboxRepository outbox, long[] ids, LeaseSnapshot leases);
    }
}
