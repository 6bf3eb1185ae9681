package io.github.orderoutbox.relay.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator's release of an order races the relay parking it: the relay's transaction has parked
 * the failing row and the rows behind it, not committed yet, when the release starts. The release
 * must free the whole order once the park commits, not only the row it could see before.
 */
class ReleaseOrderIT {

    private static final String ORDER = "order-racing";

    private DataSource dataSource;
    private JdbcTemplate admin;
    private OutboxRepository outbox;
    private long failing;

    @BeforeEach
    void orderWithARowAboutToBeParked() {
        PostgresServer postgres = TestServers.postgres();
        String database = postgres.createDatabase("release_order");
        dataSource = postgres.dataSource(database);
        admin = new JdbcTemplate(dataSource);
        MigrationSet.OUTBOX.migrate(dataSource);
        // The first row has failed twice and waits for its retry; the two behind it wait for it.
        failing = admin.queryForObject("""
                INSERT INTO outbox (event_id, aggregate_id, event_type, payload, attempts, last_error, next_attempt_at)
                VALUES (gen_random_uuid(), ?, 'OrderPlaced', '{}', 2, 'RecordTooLargeException', now() + interval '1 minute')
                RETURNING id
                """, Long.class, ORDER);
        for (int i = 0; i < 2; i++) {
            admin.update("INSERT INTO outbox (event_id, aggregate_id, event_type, payload) VALUES (gen_random_uuid(), ?, 'OrderUpdated', '{}')",
                    ORDER);
        }
        admin.update("INSERT INTO outbox (event_id, aggregate_id, event_type, payload) VALUES (gen_random_uuid(), 'another-order', 'OrderPlaced', '{}')");
        outbox = new OutboxRepository(admin, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
    }

    @Test
    void releaseRacingAParkFreesTheWholeOrderOnceTheParkCommits() throws Exception {
        CompletableFuture<OrderRelease> release;
        try (Connection relay = dataSource.getConnection()) {
            relay.setAutoCommit(false);
            // The relay's third failure of the row, as OutboxRepository.recordFailure writes it: the row is
            // parked, then the rest of its order behind it; the transaction is still open.
            try (PreparedStatement park = relay.prepareStatement(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = 'RecordTooLargeException', parked_at = now() WHERE id = ?")) {
                park.setLong(1, failing);
                assertThat(park.executeUpdate()).isEqualTo(1);
            }
            try (PreparedStatement parkRest = relay.prepareStatement(OutboxRepository.PARK_REST_OF_ORDER)) {
                parkRest.setString(1, ORDER);
                parkRest.setLong(2, failing);
                assertThat(parkRest.executeUpdate()).isEqualTo(2);
            }

            release = CompletableFuture.supplyAsync(() -> outbox.releaseOrder(ORDER));
            // The release now waits for a row lock the relay's transaction holds.
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingForALock() == 1);

            relay.commit();
        }
        OrderRelease released = release.get(10, TimeUnit.SECONDS);

        assertThat(admin.queryForList("SELECT id FROM outbox WHERE aggregate_id = ? AND parked_at IS NOT NULL", Long.class, ORDER))
                .as("rows of the order still parked after the release").isEmpty();
        assertThat(admin.queryForList("SELECT attempts FROM outbox WHERE aggregate_id = ?", Integer.class, ORDER))
                .containsOnly(0);
        assertThat(released).isEqualTo(new OrderRelease(ORDER, 3, 3, 0));
        assertThat(released.outcome()).isEqualTo("released");
    }

    @Test
    void releaseReportsAnOrderWithNothingToRelease() {
        admin.update("UPDATE outbox SET attempts = 0, next_attempt_at = NULL WHERE aggregate_id = ?", ORDER);

        assertThat(outbox.releaseOrder(ORDER)).isEqualTo(new OrderRelease(ORDER, 0, 3, 0));
        assertThat(outbox.releaseOrder("no-such-order").outcome()).isEqualTo("nothing-pending");
    }

    private long waitingForALock() {
        return admin.queryForObject("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                """, Long.class);
    }
}
