/** A reusable chain of timed pipes that one event passes through, in the order of one explicit list. */
package io.github.orderoutbox.consumer.pipeline;
