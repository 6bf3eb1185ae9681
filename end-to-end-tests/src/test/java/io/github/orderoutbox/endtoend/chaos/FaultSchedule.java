package io.github.orderoutbox.endtoend.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * When each fault happens, for how long and to which process, drawn from the run's seed alone, so
 * that a seed replays the same schedule. Every kind comes once, in a shuffled order, before kinds
 * are drawn at random; the gaps between faults average {@link ChaosSettings#faultEvery()}.
 */
final class FaultSchedule {

    enum Kind {
        RELAY_KILL, CONSUMER_KILL, BROKER_KILL, REDIS_WIPE, POSTGRES_RESTART, RELAY_PAUSE, POSTGRES_CUT, POSTGRES_SLOW
    }

    /**
     * One fault.
     *
     * @param after  offset from the start of the load
     * @param target which relay or consumer (0 or 1), where the kind has a choice
     * @param hold   how long the fault lasts before it is healed (restart, resume, reconnect)
     */
    record Fault(Duration after, Kind kind, int target, Duration hold) {

        @Override
        public String toString() {
            return "+" + after.toSeconds() + "s " + kind + (kindHasTarget() ? " #" + (target + 1) : "")
                    + " for " + hold.toMillis() + "ms";
        }

        private boolean kindHasTarget() {
            return kind == Kind.RELAY_KILL || kind == Kind.CONSUMER_KILL || kind == Kind.RELAY_PAUSE;
        }
    }

    private FaultSchedule() {
    }

    static List<Fault> draw(ChaosSettings settings) {
        Random random = new Random(settings.seed());
        List<Kind> firstRound = new ArrayList<>(List.of(Kind.values()));
        Collections.shuffle(firstRound, random);
        List<Fault> faults = new ArrayList<>();
        long gap = settings.faultEvery().toMillis();
        long at = 10_000; // the system warms up first
        long end = settings.load().toMillis() - 15_000; // the last fault heals before the load stops
        int n = 0;
        while (true) {
            Kind kind = n < firstRound.size() ? firstRound.get(n) : Kind.values()[random.nextInt(Kind.values().length)];
            Duration hold = hold(kind, random);
            if (at + hold.toMillis() > end) {
                break;
            }
            faults.add(new Fault(Duration.ofMillis(at), kind, random.nextInt(2), hold));
            at += hold.toMillis() + gap / 2 + (long) (random.nextDouble() * gap);
            n++;
        }
        return faults;
    }

    private static Duration hold(Kind kind, Random random) {
        long millis = switch (kind) {
            case RELAY_KILL, CONSUMER_KILL -> 2_000 + random.nextInt(6_000);
            case BROKER_KILL, POSTGRES_RESTART, REDIS_WIPE -> 1_000 + random.nextInt(4_000);
            // past the lease: the other relay takes the buckets, the paused one must not publish after
            case RELAY_PAUSE -> ChaosStack.LEASE_TTL.toMillis() + 2_000 + random.nextInt(4_000);
            case POSTGRES_CUT -> 3_000 + random.nextInt(10_000);
            case POSTGRES_SLOW -> 8_000 + random.nextInt(12_000);
        };
        return Duration.ofMillis(millis);
    }
}
