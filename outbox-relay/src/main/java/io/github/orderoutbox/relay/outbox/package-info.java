/** The outbox table as the relay sees it: where rows are claimed, marked published, failed, parked and deleted. */
package io.github.orderoutbox.relay.outbox;
