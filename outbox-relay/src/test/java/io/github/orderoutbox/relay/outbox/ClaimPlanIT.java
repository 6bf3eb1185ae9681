package io.github.orderoutbox.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The claim query's plan does not depend on what the statistics say (design note 9: a queue
 * table's statistics lie). On an empty, a full, and a freshly drained outbox, analysed or not, the
 * claim walks the partial index {@code outbox_unpublished} in id order and stops after one batch:
 * no sequential scan of the outbox, no sort. Both the plan for the actual values (what the driver's
 * first executions get) and the generic plan (what a server-side prepared statement settles on)
 * are checked.
 */
class ClaimPlanIT {

    private static final int ROWS = 100_000;
    private static final int LIMIT = 2_000;
    private static final short[] ALL_BUCKETS = allBuckets();

    /** Unpublished rows of 10,000 orders, as a busy writer leaves them. */
    private static final String BULK_INSERT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, payload)
            SELECT gen_random_uuid(), 'order-' || (g % 10000), 'OrderUpdated', jsonb_build_object('seq', g)
              FROM generate_series(1, ?) AS g
            """;

    private final JsonMapper json = JsonMapper.builder().build();
    private DataSource dataSource;
    private JdbcTemplate jdbc;

    @BeforeEach
    void createOutbox() {
        PostgresServer postgres = TestServers.postgres();
        dataSource = postgres.dataSource(postgres.createDatabase("claim_plan"));
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        // No background ANALYZE between the steps of a test: each plan is checked against the
        // statistics the test says it has.
        jdbc.execute("ALTER TABLE outbox SET (autovacuum_enabled = false)");
    }

    @Test
    void claimWalksThePartialIndexOnAnEmptyOutbox() throws Exception {
        assertClaimWalksThePartialIndex("empty, never analysed");
        jdbc.execute("ANALYZE outbox");
        assertClaimWalksThePartialIndex("empty, analysed");
    }

    @Test
    void claimWalksThePartialIndexAfterABulkInsertBeforeAnalyze() throws Exception {
        jdbc.execute("ANALYZE outbox"); // the statistics say empty, as autovacuum left them before the burst
        jdbc.update(BULK_INSERT, ROWS);
        assertClaimWalksThePartialIndex("100,000 unpublished rows, statistics of the empty table");
    }

    @Test
    void claimWalksThePartialIndexAfterABulkInsertIntoANeverAnalysedOutbox() throws Exception {
        jdbc.update(BULK_INSERT, ROWS);
        assertClaimWalksThePartialIndex("100,000 unpublished rows, never analysed");
    }

    @Test
    void claimWalksThePartialIndexOnAFullAnalysedOutbox() throws Exception {
        jdbc.update(BULK_INSERT, ROWS);
        jdbc.execute("ANALYZE outbox");
        assertClaimWalksThePartialIndex("100,000 unpublished rows, analysed");
    }

    @Test
    void claimWalksThePartialIndexOnAFreshlyDrainedOutbox() throws Exception {
        jdbc.update(BULK_INSERT, ROWS);
        jdbc.execute("ANALYZE outbox");
        jdbc.update("UPDATE outbox SET published_at = now()");
        jdbc.execute("ANALYZE outbox");
        assertClaimWalksThePartialIndex("100,000 rows just published, analysed, not vacuumed");
    }

    private void assertClaimWalksThePartialIndex(String state) throws Exception {
        assertWalksThePartialIndex(state + ", plan for the values", planForTheValues());
        assertWalksThePartialIndex(state + ", generic plan", genericPlan());
    }

    private void assertWalksThePartialIndex(String what, JsonNode plan) {
        List<JsonNode> nodes = new ArrayList<>();
        collect(plan.get(0).get("Plan"), nodes);
        String shown = what + ":\n" + json.writerWithDefaultPrettyPrinter().writeValueAsString(plan);

        List<JsonNode> claimScans = nodes.stream().filter(n -> "o".equals(n.path("Alias").asString(""))).toList();
        assertThat(claimScans).as(shown).hasSize(1);
        assertThat(claimScans.get(0).path("Node Type").asString()).as(shown).isIn("Index Scan", "Index Only Scan");
        assertThat(claimScans.get(0).path("Index Name").asString()).as(shown).isEqualTo("outbox_unpublished");
        assertThat(claimScans.get(0).path("Scan Direction").asString()).as(shown).isEqualTo("Forward");
        assertThat(nodes).as(shown).noneMatch(n -> n.path("Node Type").asString("").contains("Sort"));
        assertThat(nodes).as(shown).noneMatch(n -> "Seq Scan".equals(n.path("Node Type").asString(""))
                && "outbox".equals(n.path("Relation Name").asString("")));
        assertThat(nodes.get(0).path("Node Type").asString()).as(shown).isEqualTo("Limit");
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        for (JsonNode child : node.path("Plans")) {
            collect(child, into);
        }
    }

    /** EXPLAIN of the claim with its parameters bound, as the relay binds them (short[] and int). */
    private JsonNode planForTheValues() throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement explain = connection.prepareStatement("EXPLAIN (FORMAT JSON) " + OutboxRepository.CLAIM_BATCH)) {
            explain.setObject(1, ALL_BUCKETS);
            explain.setInt(2, LIMIT);
            try (ResultSet rs = explain.executeQuery()) {
                rs.next();
                return json.readTree(rs.getString(1));
            }
        }
    }

    /** The plan a prepared statement gets once the server switches it to a generic plan. */
    private JsonNode genericPlan() throws SQLException {
        String claim = OutboxRepository.CLAIM_BATCH;
        assertThat(claim.chars().filter(c -> c == '?').count()).as("parameters of CLAIM_BATCH").isEqualTo(2);
        String prepared = claim.replaceFirst("\\?", "\\$1").replaceFirst("\\?", "\\$2");
        String buckets = IntStream.range(0, 256).mapToObj(Integer::toString).collect(Collectors.joining(",", "'{", "}'"));
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET plan_cache_mode = force_generic_plan");
            statement.execute("PREPARE claim_batch(smallint[], int) AS " + prepared);
            try (ResultSet rs = statement.executeQuery(
                    "EXPLAIN (FORMAT JSON) EXECUTE claim_batch(" + buckets + "::smallint[], " + LIMIT + ")")) {
                rs.next();
                return json.readTree(rs.getString(1));
            }
        }
    }

    private static short[] allBuckets() {
        short[] buckets = new short[256];
        for (short b = 0; b < buckets.length; b++) {
            buckets[b] = b;
        }
        return buckets;
    }
}
