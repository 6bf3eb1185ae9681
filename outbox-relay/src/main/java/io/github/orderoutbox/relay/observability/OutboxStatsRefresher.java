package io.github.orderoutbox.relay.observability;

import io.github.orderoutbox.relay.outbox.OutboxRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the outbox snapshot behind the backlog, age and parked gauges on a schedule, never per scrape. */
public class OutboxStatsRefresher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(OutboxStatsRefresher.class);

    private final OutboxRepository outbox;
    private final RelayMetrics metrics;
    private long lastParked;

    public OutboxStatsRefresher(OutboxRepository outbox, RelayMetrics metrics) {
        this.outbox = outbox;
        this.metrics = metrics;
    }

    @Override
    public void run() {
        try {
            var stats = outbox.stats();
            metrics.stats(stats);
            if (stats.parkedRows() > 0 && stats.parkedRows() != lastParked) {
                log.error("outbox.parked rows={} action=\"inspect GET /actuator/outbox, fix the cause, then POST /actuator/outbox with an order id\"",
                        stats.parkedRows());
            }
            lastParked = stats.parkedRows();
        } catch (RuntimeException e) {
            log.debug("outbox.stats.failed error=\"{}\"", e.getMessage());
        }
    }
}
