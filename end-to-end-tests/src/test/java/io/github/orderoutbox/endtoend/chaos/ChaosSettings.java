package io.github.orderoutbox.endtoend.chaos;

import java.time.Duration;
import java.util.Random;

/**
 * The knobs of one chaos run, from system properties so that CI, a replay and the soak run the same
 * harness: {@code -Dchaos.seed} replays a schedule; the defaults fit about ten minutes on two cores.
 *
 * @param seed           seeds every random choice of the run (orders, writers, fault schedule)
 * @param load           how long the writers write
 * @param eventsPerSecond the writers' target rate over all threads
 * @param writers        threads writing by the contract (each its own JDBC connection)
 * @param faultEvery     mean gap between faults; each kind is injected at least once when the load
 *                       allows, then kinds are drawn at random
 * @param sampleEvery    how often backlog, lag, memory and connections are sampled
 * @param drainTimeout   how long the system may take to drain once load and faults have stopped
 * @param csv            a file to append the samples to (the soak), or null
 */
record ChaosSettings(long seed, Duration load, int eventsPerSecond, int writers, Duration faultEvery,
        Duration sampleEvery, Duration drainTimeout, String csv) {

    static ChaosSettings fromSystemProperties() {
        String seed = System.getProperty("chaos.seed");
        return new ChaosSettings(
                seed == null || seed.isBlank() ? new Random().nextLong() : Long.parseLong(seed.trim()),
                Duration.parse(System.getProperty("chaos.load", "PT3M30S")),
                Integer.getInteger("chaos.rate", 100),
                Integer.getInteger("chaos.writers", 6),
                Duration.parse(System.getProperty("chaos.fault-every", "PT15S")),
                Duration.parse(System.getProperty("chaos.sample-every", "PT5S")),
                Duration.parse(System.getProperty("chaos.drain-timeout", "PT3M")),
                System.getProperty("chaos.csv"));
    }
}
