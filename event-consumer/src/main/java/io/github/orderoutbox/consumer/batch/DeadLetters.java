package io.github.orderoutbox.consumer.batch;

import java.util.List;

/** Where dead letters go: the dead-letter topic, behind an interface that keeps Kafka out of the batch. */
public interface DeadLetters {

    /**
     * Sends the dead letters and waits until each is acknowledged.
     *
     * @return where each was written, in the order given
     * @throws RuntimeException if any was not acknowledged; the caller retries the whole batch
     */
    List<Receipt> send(List<DeadLetter> deadLetters);

    /** Where one dead letter was written. */
    record Receipt(String topic, int partition, long offset) {
    }
}
