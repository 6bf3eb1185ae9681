package io.github.orderoutbox.consumer.it;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A customer's read-model row locked by the test, so that a consumer's batch that touches it waits
 * inside its transaction until the test lets go: a way to hold a batch while it is being written.
 */
final class HeldRow implements AutoCloseable {

    static final String CUSTOMER = "c-held";

    private final ConsumerFixture fixture;
    private final Connection holder;

    /** Creates the customer's row and locks it. */
    HeldRow(ConsumerFixture fixture) throws SQLException {
        this.fixture = fixture;
        fixture.jdbc.update("INSERT INTO read_model.customer_summary (customer_id, currency) VALUES (?, 'EUR')", CUSTOMER);
        holder = fixture.admin.getConnection();
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
            statement.execute("SELECT 1 FROM read_model.customer_summary WHERE customer_id = '" + CUSTOMER + "' FOR UPDATE");
        }
    }

    /** Until a consumer's transaction waits for the lock. */
    void awaitAWriteWaiting() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.count("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock'") == 1);
    }

    /** Lets the waiting transaction go on. */
    void release() throws SQLException {
        holder.rollback();
    }

    @Override
    public void close() throws SQLException {
        holder.rollback();
        holder.close();
    }
}
