/** Turning outbox rows into Kafka records and getting them acknowledged. */
package io.github.orderoutbox.relay.publish;
