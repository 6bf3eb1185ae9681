package io.github.orderoutbox.consumer.dedup;

import io.github.orderoutbox.consumer.observability.ConsumerMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.types.Expiration;

/**
 * Redis as the fast first filter of deduplication: the ids of recently applied events, each a key
 * that expires.
 *
 * <p>A key is written only after the transaction that applied its event has committed, with an
 * atomic {@code SET key 1 NX EX ttl} (never {@code SETNX} then {@code EXPIRE}, which leaves a key
 * without expiry if the second call is lost). So a key present means the event is applied for
 * sure, and the database need not be asked; a key missing means nothing, and the durable record in
 * {@code read_model.applied_event} decides. Marking before the commit would lose the event if the
 * transaction then failed.
 *
 * <p>Redis being down or flushed costs speed, never correctness: a failed call is logged, counted
 * and treated as "not seen", and Redis is left alone for a short pause so that an outage does not
 * add a timeout to every batch.
 */
public final class RecentlyApplied {

    private static final Logger log = LoggerFactory.getLogger(RecentlyApplied.class);
    private static final byte[] APPLIED = "1".getBytes(StandardCharsets.US_ASCII);

    private final StringRedisTemplate redis;
    private final String keyPrefix;
    private final Expiration expiry;
    private final long pauseNanos;
    private final ConsumerMetrics metrics;
    private final LongSupplier nanoTime;
    private volatile long pausedUntil;
    private volatile boolean paused;

    public RecentlyApplied(StringRedisTemplate redis, String keyPrefix, Duration ttl, Duration pauseAfterFailure,
                           ConsumerMetrics metrics, LongSupplier nanoTime) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        this.expiry = Expiration.from(ttl);
        this.pauseNanos = pauseAfterFailure.toNanos();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nanoTime = nanoTime;
    }

    /** Of these events, those Redis knows were applied: one {@code MGET} for all of them. */
    public Set<UUID> seen(Collection<UUID> eventIds) {
        Set<UUID> seen = new HashSet<>();
        if (eventIds.isEmpty() || isPaused()) {
            return seen;
        }
        List<UUID> ids = new ArrayList<>(eventIds);
        try {
            List<String> values = redis.opsForValue().multiGet(ids.stream().map(this::key).toList());
            for (int i = 0; values != null && i < ids.size(); i++) {
                if (values.get(i) != null) {
                    seen.add(ids.get(i));
                }
            }
            recovered();
        } catch (RuntimeException e) {
            failed("reading", e);
        }
        return seen;
    }

    /** Records these events as applied: their {@code SET NX EX} commands pipelined in one round trip. */
    public void remember(Collection<UUID> eventIds) {
        if (eventIds.isEmpty() || isPaused()) {
            return;
        }
        try {
            redis.executePipelined((RedisCallback<Object>) connection -> {
                for (UUID id : eventIds) {
                    connection.stringCommands().set(key(id).getBytes(StandardCharsets.UTF_8), APPLIED, expiry,
                            SetOption.ifAbsent());
                }
                return null;
            });
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
