package io.github.orderoutbox.consumer.dedup;

import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Redis as the fast first filter of deduplication: the ids of recently applied events, each a key
 * that expires.
 *
 * <p>A key is written only after the transaction that applied its event has committed, with an
 * atomic {@code SET key <position> NX EX ttl} (never {@code SETNX} then {@code EXPIRE}, which leaves
 * a key without expiry if the second call is lost). Its value is the outbox position the event was
 * applied at ({@code ce_outboxposition}), since an event id alone does not say which event was
 * applied: a writer may reuse an id once its first row was published. So a key present with the
 * event's own position means the event is applied for sure, and the database need not be asked; a
 * key missing, or holding another position (a reused id, or a key written as {@code 1} before keys
 * held positions), means nothing, and the durable record in {@code read_model.applied_event}
 * decides. Marking before the commit would lose the event if the transaction then failed.
 *
 * <p>Redis being down or flushed costs speed, never correctness: a failed call is logged, counted
 * and treated as "not seen", and Redis is left alone for a short pause so that an outage does not
 * add a timeout to every batch.
 */
public final class RecentlyApplied {

    private static final Logger log = LoggerFactory.getLogger(RecentlyApplied.class);
    private static final RedisScript<Long> SET_EACH_NX_EX = RedisScript.of("""
            for i, key in ipairs(KEYS) do
                redis.call('SET', key, ARGV[i + 1], 'NX', 'EX', ARGV[1])
            end
            return #KEYS""", Long.class);

    private final StringRedisTemplate redis;
    private final String keyPrefix;
    private final String ttlSeconds;
    private final long pauseNanos;
    private final ConsumerMetrics metrics;
    private final LongSupplier nanoTime;
    private volatile long pausedUntil;
    private volatile boolean paused;

    public RecentlyApplied(StringRedisTemplate redis, String keyPrefix, Duration ttl, Duration pauseAfterFailure,
                           ConsumerMetrics metrics, LongSupplier nanoTime) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.ttlSeconds = Long.toString(Math.max(1, ttl.toSeconds()));
        this.pauseNanos = pauseAfterFailure.toNanos();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nanoTime = nanoTime;
    }

    /**
     * Of these event ids, those Redis knows were applied, each with the outbox position its key
     * holds: one {@code MGET} for all of them. A key whose value is not a position is left out, as
     * if it were missing.
     */
    public Map<UUID, Long> seen(Collection<UUID> eventIds) {
        Map<UUID, Long> seen = new HashMap<>();
        if (eventIds.isEmpty() || isPaused()) {
            return seen;
        }
        List<UUID> ids = new ArrayList<>(eventIds);
        try {
            List<String> values = redis.opsForValue().multiGet(ids.stream().map(this::key).toList());
            for (int i = 0; values != null && i < ids.size(); i++) {
                UUID eventId = ids.get(i);
                position(values.get(i)).ifPresent(position -> seen.put(eventId, position));
            }
            recovered();
        } catch (RuntimeException e) {
            failed("reading", e);
        }
        return seen;
    }

    /**
     * Records these events as applied, each with the outbox position it was applied at, in one
     * round trip: a script that runs {@code SET key <position> NX EX ttl} for each. One command for the whole batch costs the consumer far less than as many pipelined
     * commands (each its own command object, encoding and reply), and Redis runs the loop in one go.
     * The keys of a batch are passed as the script's keys, so a Redis Cluster would need them in one
     * slot; this is a single-node (or replicated) Redis design.
     */
    public void remember(Map<UUID, Long> positions) {
        if (positions.isEmpty() || isPaused()) {
            return;
        }
        List<String> keys = new ArrayList<>(positions.size());
        List<String> args = new ArrayList<>(positions.size() + 1);
        args.add(ttlSeconds);
        positions.forEach((eventId, position) -> {
            keys.add(key(eventId));
            args.add(Long.toString(position));
        });
        try {
            redis.execute(SET_EACH_NX_EX, keys, args.toArray());
            recovered();
        } catch (RuntimeException e) {
            failed("writing", e);
        }
    }

    /** Forgets these events, so that a replay is not filtered out by them. */
    public void forget(Collection<UUID> eventIds) {
        if (!eventIds.isEmpty()) {
            redis.delete(eventIds.stream().map(this::key).toList());
        }
    }

    private static Optional<Long> position(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public String key(UUID eventId) {
        return keyPrefix + eventId;
    }

    private boolean isPaused() {
        return paused && nanoTime.getAsLong() - pausedUntil < 0;
    }

    private void failed(String what, RuntimeException e) {
        metrics.redisFailure();
        if (!paused) {
            log.warn("consumer.redis.unavailable action=\"{} recently applied events\" reason=\"{}\" effect=\"deduplicating from Postgres alone for {} ms at a time until Redis answers\"",
                    what, e.toString(), pauseNanos / 1_000_000);
        }
        paused = true;
        pausedUntil = nanoTime.getAsLong() + pauseNanos;
    }

    private void recovered() {
        if (paused) {
            paused = false;
            log.info("consumer.redis.recovered");
        }
    }
}
