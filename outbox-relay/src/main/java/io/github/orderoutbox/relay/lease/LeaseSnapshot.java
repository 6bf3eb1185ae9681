package io.github.orderoutbox.relay.lease;

/**
 * The buckets one worker may publish in one cycle, each with the epoch it was acquired under; the
 * arrays are parallel and the buckets ascending. Writes made with a snapshot are fenced by the lease table: they only take
 * effect while {@code owner} still holds each bucket under the same epoch.
 */
public record LeaseSnapshot(String owner, short[] buckets, long[] epochs) {

    public boolean isEmpty() {
        return buckets.length == 0;
    }

    /**
     * The epochs as one array indexed by bucket, -1 for the buckets not in this snapshot (no lease
     * has a negative epoch, so those never match): what the fence of the relay's writes looks the
     * lease rows up in, by subscript.
     */
    public long[] epochsByBucket() {
        long[] byBucket = new long[LeaseKeeper.BUCKETS];
        java.util.Arrays.fill(byBucket, -1);
        for (int i = 0; i < buckets.length; i++) {
            byBucket[buckets[i]] = epochs[i];
        }
        return byBucket;
    }

    /** The epoch {@code bucket} was acquired under; the bucket must be in this snapshot. */
    public long epochOf(int bucket) {
        int at = java.util.Arrays.binarySearch(buckets, (short) bucket);
        if (at < 0) {
            throw new IllegalArgumentException("bucket " + bucket + " is not in this snapshot");
        }
        return epochs[at];
    }
}
