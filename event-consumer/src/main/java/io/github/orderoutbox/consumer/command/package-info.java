/** Operators' commands run from the consumer's jar: redrive, replay. */
package io.github.orderoutbox.consumer.command;
