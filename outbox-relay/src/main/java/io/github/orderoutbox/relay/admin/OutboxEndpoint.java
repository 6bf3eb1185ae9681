package io.github.orderoutbox.relay.admin;

import io.github.orderoutbox.relay.lease.LeaseKeeper;
import io.github.orderoutbox.relay.outbox.OutboxRepository;
import io.github.orderoutbox.relay.outbox.OrderRelease;
import io.github.orderoutbox.relay.outbox.OutboxStats;
import io.github.orderoutbox.relay.outbox.ParkedRow;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/outbox}: GET shows the backlog, the parked rows and this instance's buckets;
 * POST {@code {"orderId": "..."}} releases the parked (and retrying) rows of one order so they are
 * published at once, in order, and reports what it did. Exposed only to the admin role (see {@code RelaySecurityConfiguration}).
 */
@Endpoint(id = "outbox")
public class OutboxEndpoint {

    private static final Logger log = LoggerFactory.getLogger(OutboxEndpoint.class);

    private final OutboxRepository outbox;
    private final LeaseKeeper leases;

    public OutboxEndpoint(OutboxRepository outbox, LeaseKeeper leases) {
        this.outbox = outbox;
        this.leases = leases;
    }

    @ReadOperation
    public Map<String, Object> status() {
        OutboxStats stats = outbox.stats();
        List<ParkedRow> parked = outbox.listParked(100);
        return Map.of(
                "backlog", stats.backlog(),
                "oldestUnpublishedAgeSeconds", stats.oldestAge().toMillis() / 1000.0,
                "parkedRows", stats.parkedRows(),
                "retryingRows", stats.retryingRows(),
                "parked", parked,
                "instance", leases.owner(),
                "bucketsHeld", leases.heldCount());
    }

    /**
     * Releases the whole order, a park committing meanwhile included, and says what it did: the rows
     * released, the order's unpublished rows now waiting to be published, and those still parked (none).
     */
    @WriteOperation
    public Map<String, Object> retry(String orderId) {
        OrderRelease release = outbox.releaseOrder(orderId);
        log.info("outbox.order.released order_id={} rows={} pending={} outcome={}", orderId, release.rowsReleased(),
                release.rowsPending(), release.outcome());
        return Map.of("orderId", orderId, "outcome", release.outcome(), "rowsReleased", release.rowsReleased(),
                "rowsPending", release.rowsPending(), "rowsParked", release.rowsParked());
    }
}
