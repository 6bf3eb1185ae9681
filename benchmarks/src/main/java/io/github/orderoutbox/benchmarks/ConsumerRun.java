package io.github.orderoutbox.benchmarks;

import java.time.Duration;
import java.util.Map;

/**
 * One drain of the consumer: how many events it applied in how long once warm, the CPU each
 * process used meanwhile, and where the consumer's time went.
 *
 * @param events      records consumed while the clock ran
 * @param elapsed     from the committed offsets passing the warm-up to their reaching the end
 * @param cpu         CPU per process group over {@code elapsed}: consumer, postgres, redis, kafka, harness
 * @param sinceLaunch from the consumer's {@code java -jar} to the end, start-up and warm-up included
 * @param records     every record the consumer read, warm-up included
 * @param profile     the consumer's own timers over {@code elapsed}: batches and time per pipe
 * @param load        the machine's load average (1 minute) when the clock started and stopped:
 *                    above 2 on two cores, other work was competing for the CPU
 * @param note        what a reader of the figure must know, e.g. that Redis calls failed; or empty
 */
record ConsumerRun(String scenario, int round, long events, Duration elapsed, Map<String, Duration> cpu,
                   Duration sinceLaunch, long records, String profile, String load, String note) {

    ConsumerRun noting(String more) {
        return new ConsumerRun(scenario, round, events, elapsed, cpu, sinceLaunch, records, profile, load,
                note.isEmpty() ? more : note + "; " + more);
    }

    double eventsPerSecond() {
        return events / seconds(elapsed);
    }

    /** CPU milliseconds per 1,000 events of one group, or "n/a" if it was not measured (a server not started by this JVM). */
    String cpuPerThousand(String group) {
        Duration used = cpu.get(group);
        return used == null ? "n/a" : String.format("%.0f", used.toNanos() / 1e6 / (events / 1000.0));
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    @Override
    public String toString() {
        return String.format("%s round %d: %,d events in %.2f s = %,.0f events/s; CPU ms per 1,000 events: consumer %s, "
                        + "postgres %s, redis %s, kafka %s; %,d records in %.1f s since launch; load average %s",
                scenario, round, events, seconds(elapsed), eventsPerSecond(), cpuPerThousand("consumer"),
                cpuPerThousand("postgres"), cpuPerThousand("redis"), cpuPerThousand("kafka"), records, seconds(sinceLaunch), load)
                + (note.isEmpty() ? "" : "; NOTE: " + note);
    }
}
