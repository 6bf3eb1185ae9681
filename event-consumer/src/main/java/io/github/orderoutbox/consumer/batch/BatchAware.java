package io.github.orderoutbox.consumer.batch;

import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import java.util.List;

/**
 * A pipe that does its input and output once per batch rather than once per event: it looks up
 * what the whole batch needs before the first event reaches it, and may act once the batch's
 * transaction has committed. Per event it then decides from what the batch found.
 */
public interface BatchAware {

    /**
     * Called once per batch before its events go through the pipes, with the events that will
     * (records of blocked orders are parked and left out).
     */
    default void beforeBatch(BatchScope batch, List<ReceivedEvent> events) {
    }

    /** Called once the batch's read-model transaction has committed; must not throw. */
    default void afterCommit(BatchScope batch) {
    }
}
