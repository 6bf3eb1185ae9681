package io.github.orderoutbox.relay.lease;

/**
 * The buckets one worker may publish in one cycle, each with the epoch it was acquired under; the
 * arrays are parallel. Writes made with a snapshot are fenced by the lease table: they only take
 * effect while {@code owner} still holds each bucket under the same epoch.
 */
public record LeaseSnapshot(String owner, short[] buckets, long[] epochs) {

    public boolean isEmpty() {
        return buckets.length == 0;
    }
}
