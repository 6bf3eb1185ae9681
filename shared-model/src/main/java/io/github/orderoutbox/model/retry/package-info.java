/** Retry timing shared by the relay and the consumer. */
package io.github.orderoutbox.model.retry;
