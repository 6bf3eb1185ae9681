/** The publishing loop: claim a batch, send it, wait for the acknowledgements, mark it, and pace the polling. */
package io.github.orderoutbox.relay.relay;
