/** Bucket leases: how relay instances share the outbox, and how a paused instance is fenced off. */
package io.github.orderoutbox.relay.lease;
