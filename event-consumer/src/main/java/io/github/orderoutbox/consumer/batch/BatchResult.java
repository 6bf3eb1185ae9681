package io.github.orderoutbox.consumer.batch;

/**
 * What became of the events of one batch.
 *
 * @param applied      events whose effects were written
 * @param duplicates   events skipped because they were applied before
 * @param deadLettered events sent to the dead-letter topic
 * @param parked       events of blocked orders held back
 */
public record BatchResult(int applied, int duplicates, int deadLettered, int parked) {

    public static final BatchResult NONE = new BatchResult(0, 0, 0, 0);

    public BatchResult plus(BatchResult other) {
        return new BatchResult(applied + other.applied, duplicates + other.duplicates,
                deadLettered + other.deadLettered, parked + other.parked);
    }

    public int total() {
        return applied + duplicates + deadLettered + parked;
    }
}
