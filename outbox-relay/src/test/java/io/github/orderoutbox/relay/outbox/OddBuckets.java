package io.github.orderoutbox.relay.outbox;

import io.github.orderoutbox.relay.lease.LeaseSnapshot;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Leases the odd buckets of a migrated outbox database to one owner, as an instance holding half
 * the buckets would, for tests of the relay's own statements: the leases are written directly,
 * with no relay running.
 */
final class OddBuckets {

    static final long EPOCH = 7;

    private OddBuckets() {
    }

    /** Leases the odd buckets to {@code owner} under {@link #EPOCH} for an hour; returns what a worker of that owner holds. */
    static LeaseSnapshot leaseTo(JdbcTemplate admin, String owner) {
        admin.update("""
                UPDATE outbox_relay_lease SET owner = ?, epoch = ?, expires_at = now() + interval '1 hour'
                 WHERE bucket % 2 = 1
                """, owner, EPOCH);
        short[] buckets = new short[128];
        long[] epochs = new long[128];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = (short) (2 * i + 1);
            epochs[i] = EPOCH;
        }
        return new LeaseSnapshot(owner, buckets, epochs);
    }
}
