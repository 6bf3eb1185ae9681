package io.github.orderoutbox.relay.outbox;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import io.github.orderoutbox.testsupport.PostgresServer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A fresh, migrated outbox database whose odd buckets are leased to one owner, for tests of the
 * relay's own statements: the rows are written and the leases set directly, with no relay running.
 */
final class LeasedOutbox {

    static final String OWNER = "statement-test";
    static final long EPOCH = 7;

    final String database;
    final JdbcTemplate admin;
    /** The odd buckets, leased to {@link #OWNER} under {@link #EPOCH}: what a worker of that owner holds. */
    final LeaseSnapshot oddBuckets;

    LeasedOutbox(PostgresServer postgres, String name) {
        database = postgres.createDatabase(name);
        admin = new JdbcTemplate(postgres.dataSource(database));
        MigrationSet.OUTBOX.migrate(admin.getDataSource());
        admin.update("""
                UPDATE outbox_relay_lease SET owner = ?, epoch = ?, expires_at = now() + interval '1 hour'
                 WHERE bucket % 2 = 1
                """, OWNER, EPOCH);
        short[] buckets = new short[128];
        long[] epochs = new long[128];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = (short) (2 * i + 1);
            epochs[i] = EPOCH;
        }
        oddBuckets = new LeaseSnapshot(OWNER, buckets, epochs);
    }

    /** Inserts {@code rows} unpublished rows of 1,000 orders, as writers would. */
    void insert(int rows) {
        admin.update("""
                INSERT INTO outbox (event_id, aggregate_id, event_type, payload)
                SELECT gen_random_uuid(), 'order-' || (g % 1000), 'OrderUpdated', jsonb_build_object('seq', g)
                  FROM generate_series(1, ?) AS g
                """, rows);
    }

    long count(String sql, Object... args) {
        return admin.queryForObject(sql, Long.class, args);
    }

    long[] ids(String sql, Object... args) {
        return admin.queryForList(sql, Long.class, args).stream().mapToLong(Long::longValue).toArray();
    }
}
