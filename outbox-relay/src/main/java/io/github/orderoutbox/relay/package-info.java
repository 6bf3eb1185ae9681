/** outbox-relay: publishes committed outbox rows to Kafka, in order per order, with several instances. */
package io.github.orderoutbox.relay;
