package io.github.orderoutbox.consumer.replay;

import io.github.orderoutbox.consumer.batch.DeadLetter;
import io.github.orderoutbox.consumer.batch.DeadLetters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The dead letters of one replay: each is remembered for the report, and sent to the dead-letter
 * topic only by a real replay. A dry run sends nothing (its transaction is rolled back, but a record
 * in Kafka would stay); it answers with a receipt naming no real record, so that the batch goes on
 * as it would and blocks the order in the transaction it rolls back.
 */
final class ReplayDeadLetters implements DeadLetters, AutoCloseable {

    /** The topic named in a dry run's receipts. */
    static final String DRY_RUN_TOPIC_PREFIX = "dry-run:";

    private final Supplier<Replay.DeadLetterSender> topic;
    private final String deadLetterTopic;
    private final boolean dryRun;
    private final List<DeadLetter> letters = new ArrayList<>();
    private Replay.DeadLetterSender opened;

    /**
     * @param topic the dead-letter topic's sender, opened at the first dead letter of a real replay
     */
    ReplayDeadLetters(Supplier<Replay.DeadLetterSender> topic, String deadLetterTopic, boolean dryRun) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.dryRun = dryRun;
    }

    @Override
    public List<Receipt> send(List<DeadLetter> deadLetters) {
        List<Receipt> receipts;
        if (dryRun) {
            receipts = deadLetters.stream().map(l -> new Receipt(DRY_RUN_TOPIC_PREFIX + deadLetterTopic, 0, 0)).toList();
        } else {
            if (opened == null) {
                opened = topic.get();
            }
            receipts = opened.send(deadLetters);
        }
        letters.addAll(deadLetters); // after sending: a batch retried after a failed send sends them again
        return receipts;
    }

    /** Closes the dead-letter topic's sender if a dead letter opened it. */
    @Override
    public void close() {
        if (opened != null) {
            opened.close();
        }
    }

    /** The dead letters sent (or, in a dry run, that would have been), in order. */
    List<DeadLetter> letters() {
        return Collections.unmodifiableList(letters);
    }
}
