package io.github.orderoutbox.db;

import static io.github.orderoutbox.db.MigrationSet.OUTBOX;
import static io.github.orderoutbox.db.MigrationsIT.queryLong;
import static io.github.orderoutbox.db.MigrationsIT.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.orderoutbox.testsupport.TestServers;

/** The INSERT every writer runs, whatever its language, and what the table makes of it. */
class OutboxContractIT {

    static final String WRITER_INSERT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)
            """;

    private static final String CHECK_VIOLATION = "23514";
    private static final String UNIQUE_VIOLATION = "23505";
    private static final String GENERATED_ALWAYS = "428C9";

    private static DataSource database;
    private Connection connection;

    @BeforeAll
    static void migrate() {
        database = TestServers.postgres().dataSource(Migrations.freshMigratedDatabase("contract", OUTBOX));
    }

    @BeforeEach
    void connect() throws SQLException {
        connection = database.getConnection();
    }

    @AfterEach
    void disconnect() throws SQLException {
        connection.close();
    }

    @Test
    void theWriterInsertFillsEveryOtherColumn() throws SQLException {
        UUID eventId = UUID.randomUUID();
        String orderId = "order-" + eventId;

        insert(eventId, orderId, "OrderPlaced", 1, "{\"total\": \"12.50\"}", null);

        try (PreparedStatement select = connection.prepareStatement("""
                SELECT id, aggregate_type, created_at, bucket, published_at, attempts, next_attempt_at,
                       last_error, parked_at, headers, payload ->> 'total' AS total
                FROM outbox WHERE event_id = ?
                """)) {
            select.setObject(1, eventId);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getLong("id")).isPositive();
                assertThat(row.getString("aggregate_type")).isEqualTo("order");
                assertThat(Duration.between(row.getObject("created_at", OffsetDateTime.class), OffsetDateTime.now()).abs())
                        .isLessThan(Duration.ofMinutes(1));
                assertThat(row.getInt("bucket")).isBetween(0, 255);
                assertThat(row.getObject("published_at")).isNull();
                assertThat(row.getInt("attempts")).isZero();
                assertThat(row.getObject("next_attempt_at")).isNull();
                assertThat(row.getObject("last_error")).isNull();
                assertThat(row.getObject("parked_at")).isNull();
                assertThat(row.getObject("headers")).isNull();
                assertThat(row.getString("total")).isEqualTo("12.50");
            }
        }
    }

    @Test
    void eventVersionDefaultsToOne() throws SQLException {
        UUID eventId = UUID.randomUUID();
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO outbox (event_id, aggregate_id, event_type, payload) VALUES (?, 'o-1', 'OrderPlaced', '{}')
                """)) {
            insert.setObject(1, eventId);
            insert.executeUpdate();
        }

        assertThat(queryLong(connection, "SELECT event_version FROM outbox WHERE event_id = '" + eventId + "'"))
                .isEqualTo(1);
    }

    @Test
    void oneOrderAlwaysFallsIntoOneBucket() throws SQLException {
        String run = UUID.randomUUID().toString();
        for (int order = 0; order < 200; order++) {
            for (int event = 0; event < 3; event++) {
                insert(UUID.randomUUID(), run + "/order-" + order, "OrderChanged", 1, "{}", null);
            }
        }

        String where = " FROM outbox WHERE aggregate_id LIKE '" + run + "/%'";
        assertThat(queryLong(connection, "SELECT max(buckets) FROM (SELECT count(DISTINCT bucket) AS buckets"
                + where + " GROUP BY aggregate_id) AS per_order")).isEqualTo(1);
        assertThat(queryLong(connection, "SELECT min(bucket)" + where)).isGreaterThanOrEqualTo(0);
        assertThat(queryLong(connection, "SELECT max(bucket)" + where)).isLessThanOrEqualTo(255);
        // 200 orders over 256 buckets fill about 140 of them; a broken hash would fill a handful.
        assertThat(queryLong(connection, "SELECT count(DISTINCT bucket)" + where)).isGreaterThan(100);
    }

    @Test
    void storesHeadersAsAnObject() throws SQLException {
        UUID eventId = UUID.randomUUID();

        insert(eventId, "o-1", "OrderPlaced", 1, "{}", "{\"traceparent\": \"00-abc-01\"}");

        assertThat(queryString(connection, "SELECT headers ->> 'traceparent' FROM outbox WHERE event_id = '" + eventId + "'"))
                .isEqualTo("00-abc-01");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void rejectsABlankAggregateId(String blank) {
        assertThatThrownBy(() -> insert(UUID.randomUUID(), blank, "OrderPlaced", 1, "{}", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("outbox_aggregate_id_not_blank")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " "})
    void rejectsABlankEventType(String blank) {
        assertThatThrownBy(() -> insert(UUID.randomUUID(), "o-1", blank, 1, "{}", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("outbox_event_type_not_blank")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    @Test
    void rejectsAnEventVersionBelowOne() {
        assertThatThrownBy(() -> insert(UUID.randomUUID(), "o-1", "OrderPlaced", 0, "{}", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("outbox_event_version_positive")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"a\": \"b\"}]", "\"traceparent\"", "1", "null"})
    void rejectsHeadersThatAreNotAnObject(String headers) {
        assertThatThrownBy(() -> insert(UUID.randomUUID(), "o-1", "OrderPlaced", 1, "{}", headers))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("outbox_headers_is_object")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(CHECK_VIOLATION);
    }

    @Test
    void rejectsADuplicateEventId() throws SQLException {
        UUID eventId = UUID.randomUUID();
        insert(eventId, "o-1", "OrderPlaced", 1, "{}", null);

        assertThatThrownBy(() -> insert(eventId, "o-2", "OrderPaid", 1, "{}", null))
                .isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(UNIQUE_VIOLATION);
    }

    /**
     * A kept published row (a retention above zero) no longer holds its id, just as a row deleted on
     * publication does not: the unique index covers the rows waiting to be published only, so the
     * relay's mark adds no entry to it however many rows are kept (V4).
     */
    @Test
    void anEventIdIsFreeAgainOnceItsRowIsPublished() throws SQLException {
        UUID eventId = UUID.randomUUID();
        insert(eventId, "o-1", "OrderPlaced", 1, "{}", null);
        try (PreparedStatement mark = connection.prepareStatement("UPDATE outbox SET published_at = now() WHERE event_id = ?")) {
            mark.setObject(1, eventId);
            assertThat(mark.executeUpdate()).isEqualTo(1);
        }

        insert(eventId, "o-1", "OrderPlaced", 1, "{}", null);

        assertThat(queryLong(connection, "SELECT count(*) FROM outbox WHERE event_id = '" + eventId + "'")).isEqualTo(2);
        assertThatThrownBy(() -> insert(eventId, "o-1", "OrderPlaced", 1, "{}", null))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("outbox_event_id_unpublished")
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(UNIQUE_VIOLATION);
    }

    /**
     * The BRIN index of created_at asks for no summarization per block range (V5): under a burst of
     * inserts those requests filled autovacuum's queue and each refusal was logged. A vacuum, which
     * the outbox's settings call for every 10,000 inserted rows, summarizes the ranges instead.
     */
    @Test
    void vacuumNotEachInsertSummarizesTheCreatedAtIndex() throws SQLException {
        DataSource fresh = TestServers.postgres().dataSource(Migrations.freshMigratedDatabase("brin", OUTBOX));
        try (Connection own = fresh.getConnection(); Statement statement = own.createStatement()) {
            assertThat(queryString(own, "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'outbox_created_at_brin'"))
                    .isEqualTo("autosummarize=off");
            statement.execute("INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload)"
                    + " SELECT gen_random_uuid(), 'o-' || g, 'OrderPlaced', 1, jsonb_build_object('note', repeat('x', 400))"
                    + " FROM generate_series(1, 20000) AS g");
            statement.execute("VACUUM outbox");
            assertThat(queryLong(own, "SELECT relpages FROM pg_class WHERE relname = 'outbox'"))
                    .as("several ranges of 128 pages").isGreaterThan(4 * 128);
            assertThat(queryLong(own, "SELECT brin_summarize_new_values('outbox_created_at_brin')"))
                    .as("ranges the vacuum left to summarize: at most the last, still filling").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void rejectsAPayloadThatIsNotJson() {
        assertThatThrownBy(() -> insert(UUID.randomUUID(), "o-1", "OrderPlaced", 1, "{not json", null))
                .isInstanceOf(SQLException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "bucket"})
    void writersCannotChooseThePositionOrTheBucket(String column) {
        assertThatThrownBy(() -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO outbox (" + column + ", event_id, aggregate_id, event_type, payload) "
                            + "VALUES (1, ?, 'o-1', 'OrderPlaced', '{}')")) {
                insert.setObject(1, UUID.randomUUID());
                insert.executeUpdate();
            }
        }).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(GENERATED_ALWAYS);
    }

    private void insert(UUID eventId, String aggregateId, String eventType, int eventVersion, String payload,
            String headers) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(WRITER_INSERT)) {
            insert.setObject(1, eventId);
            insert.setString(2, aggregateId);
            insert.setString(3, eventType);
            insert.setInt(4, eventVersion);
            insert.setString(5, payload);
            insert.setString(6, headers);
            insert.executeUpdate();
        }
    }
}
