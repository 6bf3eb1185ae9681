/** Operator actions on the outbox: inspect parked rows and release an order for another try. */
package io.github.orderoutbox.relay.admin;
