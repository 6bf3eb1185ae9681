package io.github.orderoutbox.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The claim's plan does not depend on what the statistics say (design note 9: a queue table's
 * statistics lie). On an empty, a full and a freshly drained outbox, analysed or not, the claim
 * walks the partial index {@code outbox_unpublished} in id order and stops after one batch, and
 * probes {@code outbox_held_orders} for held orders: no sequential scan of the outbox, no sort.
 *
 * <p>The plans are those of the relay's own {@link OutboxRepository#claimBatch} (with whatever
 * session settings it applies), reported by {@code auto_explain} as a notice on the claim's
 * connection: the plan for the values (the driver's first executions), the generic plan (what a
 * server-side prepared statement may settle on), and a plan cached while the outbox was empty (as it
 * is after retention and autovacuum on a quiet day) and still in use after a burst of inserts.
 */
class ClaimPlanIT {

    private static final int ROWS = 100_000;
    /** Enough rows that a plan scanning the outbox once per candidate row takes seconds, not milliseconds. */
    private static final int BURST = 20_000;
    private static final int LIMIT = 2_000;
    private static final short[] ALL_BUCKETS = allBuckets();

    /** Unpublished rows of 10,000 orders, as a busy writer leaves them. */
    static final String BULK_INSERT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, payload)
            SELECT gen_random_uuid(), 'order-' || (g % 10000), 'OrderUpdated', jsonb_build_object('seq', g)
              FROM generate_series(1, ?) AS g
            """;

    private static final String TIMEOUT = "20s";

    private JdbcTemplate admin;
    private ExplainedSession session;

    @BeforeEach
    void createOutbox() {
        session = ExplainedSession.onFreshOutbox("claim_plan", TIMEOUT, false);
        admin = session.admin;
        // No background ANALYZE between the steps of a test: each plan is checked against the
        // statistics the test says it has.
        admin.execute("ALTER TABLE outbox SET (autovacuum_enabled = false)");
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    @Test
    void claimWalksThePartialIndexOnANeverAnalysedEmptyOutbox() {
        assertClaimWalksThePartialIndexes("empty, never analysed");
    }

    @Test
    void claimWalksThePartialIndexOnAnAnalysedEmptyOutbox() {
        admin.execute("ANALYZE outbox");
        assertClaimWalksThePartialIndexes("empty, analysed");
    }

    @Test
    void claimWalksThePartialIndexAfterABulkInsertBeforeAnalyze() {
        admin.execute("ANALYZE outbox"); // the statistics say empty, as autovacuum left them before the burst
        admin.update(BULK_INSERT, ROWS);
        assertClaimWalksThePartialIndexes("100,000 unpublished rows, statistics of the empty table");
    }

    @Test
    void claimWalksThePartialIndexAfterABulkInsertIntoANeverAnalysedOutbox() {
        admin.update(BULK_INSERT, ROWS);
        assertClaimWalksThePartialIndexes("100,000 unpublished rows, never analysed");
    }

    @Test
    void claimWalksThePartialIndexOnAFullAnalysedOutbox() {
        admin.update(BULK_INSERT, ROWS);
        admin.execute("ANALYZE outbox");
        assertClaimWalksThePartialIndexes("100,000 unpublished rows, analysed");
    }

    @Test
    void claimWalksThePartialIndexOnAFreshlyDrainedOutbox() {
        admin.update(BULK_INSERT, ROWS);
        admin.execute("ANALYZE outbox");
        admin.update("UPDATE outbox SET published_at = now()");
        admin.execute("ANALYZE outbox");
        assertClaimWalksThePartialIndexes("100,000 rows just published, analysed, not vacuumed");
    }

    @Test
    void planCachedWhileTheOutboxWasEmptyStillWalksThePartialIndexesAfterABurst() {
        admin.execute("ANALYZE outbox");
        pollWhileIdle();
        admin.update(BULK_INSERT, BURST);

        assertWalksThePartialIndexes("plan cached while empty, used after a burst of inserts", claimPlan());
    }

    @Test
    void planCachedAfterRetentionEmptiedTheOutboxStillWalksThePartialIndexesAfterABurst() {
        // The steady state of a quiet outbox: retention deleted every published row and autovacuum
        // vacuumed the table down to nothing, while the indexes keep their (empty) pages.
        admin.update(BULK_INSERT, BURST);
        admin.update("UPDATE outbox SET published_at = now()");
        admin.update("DELETE FROM outbox");
        admin.execute("VACUUM ANALYZE outbox");
        pollWhileIdle();
        admin.update(BULK_INSERT, BURST);

        assertWalksThePartialIndexes("plan cached after retention emptied the outbox, used after a burst of inserts",
                claimPlan());
    }

    /**
     * An idle relay polls the empty outbox again and again: the driver switches to a server-side
     * prepared statement after 5 executions, and the server may cache a generic plan after 5 more.
     */
    private void pollWhileIdle() {
        for (int poll = 0; poll < 15; poll++) {
            claimPlan();
        }
    }

    private void assertClaimWalksThePartialIndexes(String state) {
        assertWalksThePartialIndexes(state + ", plan for the values", claimPlan());
        session.set("SET plan_cache_mode = force_generic_plan");
        assertWalksThePartialIndexes(state + ", generic plan", claimPlan());
    }

    private static void assertWalksThePartialIndexes(String what, JsonNode plan) {
        List<JsonNode> nodes = ExplainedSession.nodes(plan);
        String shown = what + ":\n" + ExplainedSession.pretty(plan);

        assertThat(nodes.get(0).path("Node Type").asString()).as(shown).isEqualTo("Limit");
        assertThat(nodes).as("no sort: " + shown).noneMatch(n -> n.path("Node Type").asString("").contains("Sort"));
        List<JsonNode> outboxScans = nodes.stream().filter(n -> "outbox".equals(n.path("Relation Name").asString(""))).toList();
        assertThat(outboxScans).as(shown).extracting(n -> n.path("Alias").asString()).containsExactlyInAnyOrder("o", "h");
        for (JsonNode scan : outboxScans) {
            String expectedIndex = "o".equals(scan.path("Alias").asString()) ? "outbox_unpublished" : "outbox_held_orders";
            assertThat(scan.path("Node Type").asString()).as("scan of %s in %s", scan.path("Alias").asString(), shown)
                    .isIn("Index Scan", "Index Only Scan");
            assertThat(scan.path("Index Name").asString()).as("index of %s in %s", scan.path("Alias").asString(), shown)
                    .isEqualTo(expectedIndex);
        }
    }

    private static short[] allBuckets() {
        short[] buckets = new short[256];
        for (short b = 0; b < buckets.length; b++) {
            buckets[b] = b;
        }
        return buckets;
    }

    /** Claims one batch with the relay's code and returns the plan the claim ran with. */
    private JsonNode claimPlan() {
        List<JsonNode> plans = session.plansOf("FROM outbox o", () -> {
            try {
                session.outbox.claimBatch(ALL_BUCKETS, LIMIT);
            } catch (DataAccessException e) {
                if (!String.valueOf(e.getMostSpecificCause().getMessage()).contains("statement timeout")) {
                    throw e;
                }
                throw new AssertionError("the claim ran longer than the statement timeout of " + TIMEOUT
                        + ": its plan scans the outbox for every candidate row", e);
            }
        });
        assertThat(plans).as("auto_explain plans of the claim among the notices %s", session.notices()).hasSize(1);
        return plans.get(0);
    }
}
