package io.github.orderoutbox.relay.lease;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds this instance's share of the 256 buckets. On every heartbeat it renews the leases it holds,
 * then moves towards a fair share ({@code ceil(256 / live instances)}): it releases surplus buckets
 * and takes free or expired ones, never a bucket another live instance holds.
 *
 * <p>Fencing has two halves. The database half: every write of a worker names the epochs of its
 * buckets and is dropped once a bucket changed hands. The local half: a lease is trusted only until
 * {@code (start of last successful renewal) + ttl - safety margin} on this machine's monotonic clock.
 * The renewal started before the database computed {@code now() + ttl}, so the local deadline always
 * falls at least the margin before the database lets another instance take the bucket. A process
 * paused past that deadline (GC, network) finds it passed when it wakes and sends nothing more
 * until it has renewed, which fails for buckets taken over meanwhile.
 *
 * <p>Workers hold the read side of {@link #cycleLock()} through one claim-send-mark cycle; a bucket
 * is released only under the write side, so it is never released while one of its rows is in flight.
 */
public class LeaseKeeper {

    public static final int BUCKETS = 256;

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final LeaseRepository repository;
    private final String owner;
    private final String host;
    private final Duration ttl;
    private final Duration safetyMargin;
    private final LongSupplier nanoClock;
    private final ReentrantReadWriteLock cycleLock = new ReentrantReadWriteLock();

    private volatile Map<Short, Long> held = Map.of();
    private volatile long trustedUntilNanos;
    private volatile boolean failing;

    public LeaseKeeper(LeaseRepository repository, String owner, String host, Duration ttl, Duration safetyMargin,
                       LongSupplier nanoClock) {
        this.repository = repository;
        this.owner = owner;
        this.host = host;
        this.ttl = ttl;
        this.safetyMargin = safetyMargin;
        this.nanoClock = nanoClock;
        this.trustedUntilNanos = nanoClock.getAsLong();
    }

    public String owner() {
        return owner;
    }

    /** One heartbeat: register, renew, rebalance. Failures are logged once per outage and retried next beat. */
    public void heartbeat() {
        long started = nanoClock.getAsLong();
        try {
            repository.heartbeat(owner, host);
            Map<Short, Long> renewed = repository.renew(owner, ttl);
            lostBuckets(renewed);
            held = Map.copyOf(renewed);
            trustedUntilNanos = started + ttl.minus(safetyMargin).toNanos();

            repository.forgetInstancesSilentFor(ttl.multipliedBy(6));
            int live = Math.max(1, repository.countLiveInstances(ttl));
            int fairShare = (BUCKETS + live - 1) / live;
            if (renewed.size() > fairShare) {
                releaseSurplus(renewed.size() - fairShare);
            } else if (renewed.size() < fairShare) {
                Map<Short, Long> acquired = repository.acquire(owner, ttl, fairShare - renewed.size());
                if (!acquired.isEmpty()) {
                    Map<Short, Long> all = new TreeMap<>(held);
                    all.putAll(acquired);
                    held = Map.copyOf(all);
                    log.info("relay.leases.acquired count={} held={} live_instances={}", acquired.size(), all.size(), live);
                }
            }
            if (failing) {
                log.info("relay.leases.recovered held={}", held.size());
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("relay.leases.heartbeat_failed held={} error=\"{}\"", held.size(), e.getMessage());
                failing = true;
            }
        }
    }

    private void lostBuckets(Map<Short, Long> renewed) {
        var lost = held.entrySet().stream()
                .filter(e -> !e.getValue().equals(renewed.get(e.getKey())))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        if (!lost.isEmpty()) {
            log.warn("relay.leases.lost buckets={} reason=\"taken over after this instance's lease expired\"", lost);
        }
    }

    private void releaseSurplus(int surplus) {
        Lock write = cycleLock.writeLock();
        try {
            if (!write.tryLock(100, TimeUnit.MILLISECONDS)) {
                return; // a cycle is in flight; release on a later beat
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            short[] release = held.keySet().stream().sorted((a, b) -> Short.compare(b, a)).limit(surplus)
                    .collect(ShortArrays.collector());
            repository.release(owner, release);
            Map<Short, Long> remaining = new TreeMap<>(held);
            for (short bucket : release) {
                remaining.remove(bucket);
            }
            held = Map.copyOf(remaining);
            log.info("relay.leases.released count={} held={}", release.length, remaining.size());
        } finally {
            write.unlock();
        }
    }

    /** Releases every lease and unregisters, so other instances take over at once (graceful shutdown). */
    public void releaseAll() {
        cycleLock.writeLock().lock();
        try {
            short[] all = held.keySet().stream().collect(ShortArrays.collector());
            held = Map.of();
            repository.release(owner, all);
            repository.removeInstance(owner);
            log.info("relay.leases.released_all count={}", all.length);
        } catch (RuntimeException e) {
            log.warn("relay.leases.release_failed error=\"{}\" effect=\"leases expire after their ttl\"", e.getMessage());
        } finally {
            cycleLock.writeLock().unlock();
        }
    }

    /** The buckets of worker {@code index} of {@code workers}: those with {@code bucket % workers == index}. */
    public LeaseSnapshot snapshot(int index, int workers) {
        return snapshot(new int[] {index}, workers);
    }

    /** The buckets of the given groups: those with {@code bucket % workers} among {@code groups}. */
    public LeaseSnapshot snapshot(int[] groups, int workers) {
        if (!isTrusted()) {
            return new LeaseSnapshot(owner, new short[0], new long[0]);
        }
        boolean[] wanted = new boolean[workers];
        for (int g : groups) {
            wanted[g] = true;
        }
        Map<Short, Long> current = held;
        // A plain loop, not a stream: this runs once per cycle of every worker, hundreds of times a
        // second under a steady load, where a stream pipeline was 8 % of the worker's CPU.
        short[] buckets = new short[current.size()];
        int count = 0;
        for (Short bucket : current.keySet()) {
            if (wanted[bucket % workers]) {
                buckets[count++] = bucket;
            }
        }
        buckets = Arrays.copyOf(buckets, count);
        Arrays.sort(buckets);
        long[] epochs = new long[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            epochs[i] = current.get(buckets[i]);
        }
        return new LeaseSnapshot(owner, buckets, epochs);
    }

    /** Whether a row of {@code bucket}, claimed under {@code epoch}, may still be sent now. */
    public boolean maySend(short bucket, long epoch) {
        Long current = held.get(bucket);
        return current != null && current == epoch && isTrusted();
    }

    /** Whether the local deadline of the last renewal has not passed. */
    public boolean isTrusted() {
        return nanoClock.getAsLong() - trustedUntilNanos < 0;
    }

    public int heldCount() {
        return held.size();
    }

    /** Whether a release of buckets waits for the workers' cycles to let {@link #cycleLock()} go. */
    public boolean releaseWanted() {
        return cycleLock.hasQueuedThreads();
    }

    /** Held (shared) by workers for one cycle; taken exclusively to release buckets. */
    public ReentrantReadWriteLock.ReadLock cycleLock() {
        return cycleLock.readLock();
    }
}
