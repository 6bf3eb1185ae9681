package io.github.orderoutbox.relay.outbox;

/**
 * What releasing one order did, read in the release's own transaction.
 *
 * @param orderId      the order (aggregate id) released
 * @param rowsReleased parked or retrying rows set back to be published at once
 * @param rowsPending  the order's unpublished rows after the release, waiting for the relay in id order
 * @param rowsParked   the order's rows still parked; zero, since the release takes the whole order
 */
public record OrderRelease(String orderId, int rowsReleased, int rowsPending, int rowsParked) {

    /** {@code released}, {@code nothing-to-release} (rows pending, none parked or retrying) or {@code nothing-pending}. */
    public String outcome() {
        if (rowsReleased > 0) {
            return "released";
        }
        return rowsPending > 0 ? "nothing-to-release" : "nothing-pending";
    }
}
