/** Deleting published rows once their retention has passed, so the outbox stays small. */
package io.github.orderoutbox.relay.retention;
