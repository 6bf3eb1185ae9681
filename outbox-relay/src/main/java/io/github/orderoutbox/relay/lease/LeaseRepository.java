package io.github.orderoutbox.relay.lease;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** Statements on the relay's instance and lease tables. */
public class LeaseRepository {

    static final String HEARTBEAT = """
            INSERT INTO outbox_relay_instance (instance_id, host) VALUES (?, ?)
            ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now()
            """;

    /** Instances that stayed silent for much longer than a lease are gone; forget them. */
    static final String FORGET_DEAD_INSTANCES = """
            DELETE FROM outbox_relay_instance WHERE heartbeat_at < now() - ? * interval '1 millisecond'
            """;

    static final String COUNT_LIVE_INSTANCES = """
            SELECT count(*) FROM outbox_relay_instance WHERE heartbeat_at > now() - ? * interval '1 millisecond'
            """;

    static final String REMOVE_INSTANCE = "DELETE FROM outbox_relay_instance WHERE instance_id = ?";

    /** Extends every lease this instance still owns; a bucket taken over by another is not returned. */
    static final String RENEW = """
            UPDATE outbox_relay_lease SET expires_at = now() + ? * interval '1 millisecond'
             WHERE owner = ?
            RETURNING bucket, epoch
            """;

    /** Takes free or expired buckets; each acquisition starts a new epoch. */
    static final String ACQUIRE = """
            UPDATE outbox_relay_lease
               SET owner = ?, epoch = epoch + 1, expires_at = now() + ? * interval '1 millisecond'
             WHERE bucket IN (SELECT bucket FROM outbox_relay_lease
                               WHERE owner IS NULL OR expires_at IS NULL OR expires_at < now()
                               ORDER BY bucket
                               LIMIT ?
                               FOR UPDATE SKIP LOCKED)
            RETURNING bucket, epoch
            """;

    static final String RELEASE = """
            UPDATE outbox_relay_lease SET owner = NULL, expires_at = NULL
             WHERE owner = ? AND bucket = ANY (?)
            """;

    private final JdbcTemplate jdbc;

    public LeaseRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void heartbeat(String instanceId, String host) {
        jdbc.update(HEARTBEAT, instanceId, host);
    }

    public void forgetInstancesSilentFor(Duration silence) {
        jdbc.update(FORGET_DEAD_INSTANCES, silence.toMillis());
    }

    public int countLiveInstances(Duration within) {
        Integer count = jdbc.queryForObject(COUNT_LIVE_INSTANCES, Integer.class, within.toMillis());
        return count == null ? 0 : count;
    }

    public void removeInstance(String instanceId) {
        jdbc.update(REMOVE_INSTANCE, instanceId);
    }

    public Map<Short, Long> renew(String owner, Duration ttl) {
        return bucketEpochs(RENEW, ttl.toMillis(), owner);
    }

    public Map<Short, Long> acquire(String owner, Duration ttl, int count) {
        return bucketEpochs(ACQUIRE, owner, ttl.toMillis(), count);
    }

    public void release(String owner, short[] buckets) {
        jdbc.update(RELEASE, ps -> {
            ps.setString(1, owner);
            ps.setObject(2, buckets);
        });
    }

    private Map<Short, Long> bucketEpochs(String sql, Object... args) {
        Map<Short, Long> result = new HashMap<>();
        jdbc.query(sql, rs -> {
            result.put(rs.getShort("bucket"), rs.getLong("epoch"));
        }, args);
        return result;
    }
}
