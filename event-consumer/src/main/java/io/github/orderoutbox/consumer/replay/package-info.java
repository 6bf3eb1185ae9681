/** The replay command: rebuilds the orders touched since a point in time from the topic, past deduplication. */
package io.github.orderoutbox.consumer.replay;
