package io.github.orderoutbox.benchmarks;

/**
 * A topic filled once per benchmark run with the consumer's events; each round drains it with a
 * consumer group of its own.
 *
 * @param name      the topic
 * @param warmUp    records before the measured ones: the consumer applies them before the clock runs
 * @param records   every record in the topic, warm-up included
 * @param distinct  how many of them are different events (fewer than {@code records} when some come twice)
 * @param expected  the read model once every record is applied
 */
record EventTopic(String name, long warmUp, long records, long distinct, ReadModelCounts expected) {

    long measured() {
        return records - warmUp;
    }
}
