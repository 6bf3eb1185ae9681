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
        deleteRun();
    }

    /**
     * One run: at most {@value #MAX_BATCHES_PER_RUN} batches of rows published before the
     * retention's cut-off (with a retention of zero: every published row).
     *
     * @return whether the run stopped at that bound, so more rows may be left
     */
    public boolean deleteRun() {
        try {
            Instant cutoff = clock.instant().minus(retention);
            long deleted = 0;
            boolean more = true;
            for (int i = 0; i < MAX_BATCHES_PER_RUN && more; i++) {
                int n = outbox.deletePublishedBefore(cutoff, batchSize);
                deleted += n;
                more = n == batchSize;
            }
            if (deleted > 0) {
                log.info("relay.retention.deleted rows={} published_before={}", deleted, cutoff);
            }
            return more;
        } catch (RuntimeException e) {
            log.warn("relay.retention.failed error=\"{}\"", e.getMessage());
            return false;
        }
    }
}
