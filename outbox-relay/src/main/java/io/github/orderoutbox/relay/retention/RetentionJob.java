package io.github.orderoutbox.relay.retention;

import io.github.orderoutbox.relay.outbox.OutboxRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows published longer ago than the retention, in batches of bounded size so no statement
 * holds locks for long. Every instance may run it; concurrent deletions only find fewer rows.
 */
public class RetentionJob implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);
    private static final int MAX_BATCHES_PER_RUN = 100;

    private final OutboxRepository outbox;
    private final Duration retention;
    private final int batchSize;
    private final Clock clock;

    public RetentionJob(OutboxRepository outbox, Duration retention, int batchSize, Clock clock) {
        this.outbox = outbox;
        this.retention = retention;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    @Override
    public void run() {
        deleteBatches(MAX_BATCHES_PER_RUN);
    }

    /**
     * With a retention of zero, once at start: deletes every published row, however many, as a
     * relay that ran with a retention before kept them. Unpublished and parked rows stay.
     */
    public void deleteEveryPublishedRow() {
        deleteBatches(Integer.MAX_VALUE);
    }

    private void deleteBatches(int maxBatches) {
        try {
            Instant cutoff = clock.instant().minus(retention);
            long deleted = 0;
            for (int i = 0; i < maxBatches; i++) {
                int n = outbox.deletePublishedBefore(cutoff, batchSize);
                deleted += n;
                if (n < batchSize) {
                    break;
                }
            }
            if (deleted > 0) {
                log.info("relay.retention.deleted rows={} published_before={}", deleted, cutoff);
            }
        } catch (RuntimeException e) {
            log.warn("relay.retention.failed error=\"{}\"", e.getMessage());
        }
    }
}
