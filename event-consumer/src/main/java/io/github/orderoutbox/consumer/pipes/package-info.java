/** The consumer's pipes, one class per step an order event goes through on its way to the read model. */
package io.github.orderoutbox.consumer.pipes;
