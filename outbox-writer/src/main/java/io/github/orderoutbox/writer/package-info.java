/** Appends order events to the outbox table inside the orders service's own database transaction. */
package io.github.orderoutbox.writer;
