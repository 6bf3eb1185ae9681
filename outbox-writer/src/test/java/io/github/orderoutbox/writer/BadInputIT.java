package io.github.orderoutbox.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The writer's rows of the bad-input catalogue (docs/reliability.md). What the outbox refuses is
 * refused inside the orders service's transaction, with an error that names the rule, and takes
 * the business change down with it, so no order is changed without its event; the events committed
 * before it stay. What it accepts (any JSON, any text) is stored as given and harms nothing. The
 * login users of deploy/postgres-roles.sql cannot write what they must not.
 */
class BadInputIT {

    private static final String INSERT_ORDER = "INSERT INTO orders (id, status) VALUES (?, ?)";
    private static final String PASSWORD = "secret";
    // Roles belong to the cluster, which other builds may share: login names of our own for each run.
    private static final String RUN = UUID.randomUUID().toString().replace("-", "").substring(0, 10);

    private static MigratedDatabase database;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transaction;
    private static OutboxWriter outbox;
    private static final List<String> loginUsers = new ArrayList<>();

    @BeforeAll
    static void migrate() throws IOException, SQLException {
        database = MigratedDatabase.create("bad_input");
        // The consumer's group role comes with the read-model set, which docker-compose applies to
        // the same database.
        io.github.orderoutbox.db.MigrationSet.READ_MODEL.migrate(database.adminDataSource());
        jdbc = database.adminJdbc();
        transaction = new TransactionTemplate(new DataSourceTransactionManager(database.adminDataSource()));
        outbox = new OutboxWriter(database.adminDataSource());
        createLoginUsersAsTheDeploymentDoes();
    }

    @AfterAll
    static void dropLoginUsers() {
        loginUsers.forEach(user -> jdbc.execute("DROP ROLE IF EXISTS " + user));
    }

    static Stream<Arguments> refusedByOutboxEvent() {
        return Stream.of(
                Arguments.of("blank order id", (Consumer<String>) id -> OutboxEvent.of("  ", "OrderPaid", "{}"),
                        "aggregateId must not be blank"),
                Arguments.of("missing order id", (Consumer<String>) id -> OutboxEvent.of(null, "OrderPaid", "{}"),
                        "aggregateId must not be blank"),
                Arguments.of("blank event type", (Consumer<String>) id -> OutboxEvent.of(id, "", "{}"),
                        "eventType must not be blank"),
                Arguments.of("version 0", (Consumer<String>) id -> OutboxEvent.of(id, "OrderPaid", 0, "{}"),
                        "eventVersion must be at least 1, was 0"),
                Arguments.of("a header the relay sets", (Consumer<String>) id -> OutboxEvent.of(id, "OrderPaid", "{}")
                        .withHeader("ce_id", "forged"), "header ce_id is reserved for the relay"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedByOutboxEvent")
    void refusesAnEventTheOutboxCannotHoldBeforeItReachesTheDatabase(String name, Consumer<String> event, String error) {
        String orderId = "o-" + UUID.randomUUID();
        UUID before = committedEventOf(orderId);

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId + "-changed", "PAID");
            event.accept(orderId);
        })).isInstanceOf(IllegalArgumentException.class).hasMessage(error);

        assertNothingLostAround(orderId, before);
    }

    @Test
    void refusesAPayloadThatIsNotJsonInTheDatabaseWithTheBusinessChange() {
        String orderId = "o-" + UUID.randomUUID();
        UUID before = committedEventOf(orderId);

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId + "-changed", "PAID");
            outbox.append(OutboxEvent.of(orderId, "OrderPaid", "{\"order_id\": \"" + orderId + "\", amount: 12.50"));
        })).hasMessageContaining("invalid input syntax for type json");

        assertNothingLostAround(orderId, before);
    }

    /** What a writer in another language, bypassing {@link OutboxEvent}, meets: the table's own rules. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "aggregate_id '' | outbox_aggregate_id_not_blank",
            "aggregate_id '   ' | outbox_aggregate_id_not_blank",
            "aggregate_id NULL | null value in column \"aggregate_id\"",
            "event_type ' ' | outbox_event_type_not_blank",
            "event_version 0 | outbox_event_version_positive",
            "headers '[\"traceparent\"]' | outbox_headers_is_object",
            "payload 'not json' | invalid input syntax for type json",
            "payload NULL | null value in column \"payload\"",
    })
    void refusesARowBreakingTheTablesRulesWithAnErrorNamingTheRule(String row) {
        String[] parts = row.split(" \\| ");
        String column = parts[0].substring(0, parts[0].indexOf(' '));
        String value = parts[0].substring(parts[0].indexOf(' ') + 1);
        String orderId = "o-" + UUID.randomUUID();
        UUID before = committedEventOf(orderId);
        Map<String, String> values = new java.util.LinkedHashMap<>(Map.of(
                "aggregate_id", "'" + orderId + "'", "event_type", "'OrderPaid'", "event_version", "1",
                "payload", "'{}'", "headers", "NULL"));
        values.put(column, value);

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId + "-changed", "PAID");
            jdbc.update("INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)"
                    + " VALUES (gen_random_uuid(), " + values.get("aggregate_id") + ", " + values.get("event_type") + ", "
                    + values.get("event_version") + ", " + values.get("payload") + "::jsonb, " + values.get("headers") + "::jsonb)");
        })).hasMessageContaining(parts[1]);

        assertNothingLostAround(orderId, before);
    }

    @Test
    void refusesTheSameEventIdWhileTheFirstWaitsToBePublishedAndAcceptsItOnceItWas() {
        String orderId = "o-" + UUID.randomUUID();
        UUID eventId = committedEventOf(orderId);
        OutboxEvent again = OutboxEvent.of(orderId, "OrderPaid", "{\"other\": \"payload\"}").withEventId(eventId);

        assertThatThrownBy(() -> transaction.executeWithoutResult(status -> outbox.append(again)))
                .hasMessageContaining("outbox_event_id_unpublished");
        assertNothingLostAround(orderId, eventId);

        // Published (and with the default retention, deleted): the id is free again, and a
        // consumer, which deduplicates by event id, takes the second row for a redelivery.
        jdbc.update("UPDATE outbox SET published_at = now() WHERE event_id = ?", eventId);
        transaction.executeWithoutResult(status -> outbox.append(again));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE event_id = ?", Integer.class, eventId)).isEqualTo(2);
    }

    @Test
    void storesSqlAndHtmlInjectionVerbatimAndHarmlessly() {
        String orderId = "o-1'); DROP TABLE outbox; --<script>alert(1)</script>";
        String payload = "{\"order_id\": \"" + orderId + "\", \"note\": \"'; DELETE FROM outbox WHERE '1'='1\","
                + " \"html\": \"<img src=x onerror=alert(1)>\", \"unicode\": \"\u00e9\u4e2d\ud83d\ude00\"}";
        UUID before = committedEventOf("o-neighbour-" + UUID.randomUUID());
        OutboxEvent event = OutboxEvent.of(orderId, "OrderShipped\"; DROP TABLE orders; --", payload)
                .withHeader("x-note", "<b>'; TRUNCATE outbox; --</b>");

        transaction.executeWithoutResult(status -> outbox.append(event));

        Map<String, Object> stored = jdbc.queryForMap("SELECT aggregate_id, event_type, payload::text AS payload,"
                + " headers->>'x-note' AS note FROM outbox WHERE event_id = ?", event.eventId());
        assertThat(stored).containsEntry("aggregate_id", orderId)
                .containsEntry("event_type", "OrderShipped\"; DROP TABLE orders; --")
                .containsEntry("note", "<b>'; TRUNCATE outbox; --</b>");
        assertThat(jdbc.queryForObject("SELECT payload = ?::jsonb FROM outbox WHERE event_id = ?", Boolean.class,
                payload, event.eventId())).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE event_id = ?", Integer.class, before)).isEqualTo(1);
    }

    @Test
    void acceptsWhatOnlyTheConsumerCanJudgeAndStoresItAsGiven() {
        String orderId = "o-" + UUID.randomUUID();
        List<OutboxEvent> events = List.of(
                OutboxEvent.of(orderId, "OrderTeleported", "{\"order_id\": \"" + orderId + "\"}"),
                OutboxEvent.of(orderId, "OrderPaid", 99, "{\"order_id\": \"" + orderId + "\"}"),
                OutboxEvent.of(orderId, "OrderPaid", "{\"order_id\": \"" + orderId + "\", \"amount\": 12.5}"),
                OutboxEvent.of(orderId, "OrderPaid", "{\"order_id\": \"someone-else\"}"),
                OutboxEvent.of(orderId, "OrderPaid", "[1, 2, 3]"));

        transaction.executeWithoutResult(status -> outbox.appendAll(events));

        assertThat(jdbc.queryForList("SELECT event_id FROM outbox WHERE aggregate_id = ? ORDER BY id", UUID.class, orderId))
                .containsExactlyElementsOf(events.stream().map(OutboxEvent::eventId).toList());
    }

    static Stream<Arguments> deniedToLoginUsers() {
        return Stream.of(
                Arguments.of("orders_app", "SELECT * FROM outbox"),
                Arguments.of("orders_app", "UPDATE outbox SET payload = '{}'"),
                Arguments.of("orders_app", "UPDATE outbox SET published_at = now()"),
                Arguments.of("orders_app", "DELETE FROM outbox"),
                Arguments.of("orders_app", "TRUNCATE outbox"),
                Arguments.of("orders_app", "INSERT INTO outbox (event_id, aggregate_id, event_type, payload, published_at)"
                        + " VALUES (gen_random_uuid(), 'o-forged', 'OrderPaid', '{}', now())"),
                Arguments.of("event_consumer_app", "INSERT INTO outbox (event_id, aggregate_id, event_type, payload)"
                        + " VALUES (gen_random_uuid(), 'o-forged', 'OrderPaid', '{}')"),
                Arguments.of("event_consumer_app", "SELECT * FROM outbox"),
                Arguments.of("relay_app", "INSERT INTO outbox (event_id, aggregate_id, event_type, payload)"
                        + " VALUES (gen_random_uuid(), 'o-forged', 'OrderPaid', '{}')"),
                Arguments.of("relay_app", "UPDATE outbox SET payload = '{\"forged\": true}'"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("deniedToLoginUsers")
    void refusesAnOutboxWriteByALoginUserThatMustNotWriteThere(String user, String sql) throws SQLException {
        String orderId = "o-" + UUID.randomUUID();
        UUID before = committedEventOf(orderId);
        long rows = jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);

        try (Connection connection = DriverManager.getConnection(database.server().jdbcUrl(database.name()),
                user + "_" + RUN, PASSWORD); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute(sql)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied for table outbox")
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("42501");
        }

        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class)).isEqualTo(rows);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE aggregate_id = 'o-forged' OR payload->>'forged' IS NOT NULL",
                Long.class)).isZero();
        assertNothingLostAround(orderId, before);
    }

    /** An earlier event of the order, committed before the test's bad input; returns its id. */
    private static UUID committedEventOf(String orderId) {
        OutboxEvent placed = OutboxEvent.of(orderId, "OrderPlaced", "{\"order_id\": \"" + orderId + "\"}");
        transaction.executeWithoutResult(status -> {
            jdbc.update(INSERT_ORDER, orderId, "PLACED");
            outbox.append(placed);
        });
        return placed.eventId();
    }

    /** The refused change left no trace, and what was committed before it is still there as it was. */
    private static void assertNothingLostAround(String orderId, UUID earlierEvent) {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE id = ?", Integer.class, orderId + "-changed")).isZero();
        assertThat(jdbc.queryForList("SELECT event_id FROM outbox WHERE aggregate_id = ?", UUID.class, orderId))
                .containsExactly(earlierEvent);
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE id = ?", String.class, orderId)).isEqualTo("PLACED");
    }

    /**
     * Runs deploy/postgres-roles.sql as a deployment does after both sets of migrations: the group roles
     * exist by then, so their lines are skipped; the login users get this run's suffix; the psql
     * variables become quoted literals.
     */
    private static void createLoginUsersAsTheDeploymentDoes() throws IOException, SQLException {
        String script = Files.readString(Path.of("..", "deploy", "postgres-roles.sql"));
        Pattern createRole = Pattern.compile("CREATE ROLE (\\w+) (.*)", Pattern.DOTALL);
        try (Connection connection = database.adminDataSource().getConnection(); Statement statement = connection.createStatement()) {
            for (String line : script.replaceAll("(?m)^--.*$", "").split(";")) {
                String sql = line.strip();
                if (sql.isEmpty()) {
                    continue;
                }
                Matcher role = createRole.matcher(sql);
                assertThat(role.matches()).as(sql).isTrue();
                if (role.group(2).equals("NOLOGIN")) {
                    assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = ?", Integer.class,
                            role.group(1))).as("group role %s made by the migrations", role.group(1)).isEqualTo(1);
                    continue;
                }
                String user = role.group(1) + "_" + RUN;
                loginUsers.add(user);
                statement.execute("CREATE ROLE " + user + " "
                        + role.group(2).replaceAll(":'\\w+'", "'" + PASSWORD + "'"));
            }
        }
        assertThat(loginUsers).hasSize(3);
    }
}
