package io.github.orderoutbox.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The consumer benchmark's result file: the table, each round's ratio, the targets of issues 3 and 4, and where the time went. */
final class ConsumerReport {

    static final double TARGET_EVENTS_PER_SECOND = 20_000;
    static final double TARGET_RATIO = 10;

    private ConsumerReport() {
    }

    static List<String> lines(Map<String, EventTopic> topics, List<ConsumerRun> runs, int rounds) {
        List<String> lines = new ArrayList<>();
        lines.add("## Topics (12 partitions, produced before the runs, untimed)");
        lines.add("");
        topics.forEach((scenario, topic) -> lines.add(String.format(
                "- %s: %,d records (%,d warm-up, then %,d measured), %,d distinct events of %,d orders %s",
                scenario, topic.records(), topic.warmUp(), topic.measured(), topic.distinct(), topic.expected().orders(),
                topic.expected().statuses())));
        lines.add("");
        lines.add("## Drains");
        lines.add("");
        lines.add("| scenario | run | events | seconds | events/s | CPU ms per 1,000 events: consumer / Postgres / Redis / Kafka | ratio to per-record |");
        lines.add("|---|---:|---:|---:|---:|---:|---:|");
        for (ConsumerRun run : runs) {
            String ratio = baseline(runs, run.round()).map(base -> run.scenario().equals(ConsumerBenchmark.PER_RECORD)
                    ? "1 (baseline)" : String.format("%.1fx", run.eventsPerSecond() / base.eventsPerSecond())).orElse("");
            lines.add(String.format("| %s%s | %d | %,d | %.2f | %,.0f | %s / %s / %s / %s | %s |", run.scenario(),
                    run.note().isEmpty() ? "" : " (see note)", run.round(),
                    run.events(), ConsumerRun.seconds(run.elapsed()), run.eventsPerSecond(), run.cpuPerThousand("consumer"),
                    run.cpuPerThousand("postgres"), run.cpuPerThousand("redis"), run.cpuPerThousand("kafka"), ratio));
        }
        lines.add("");
        lines.add("Every run was checked: each distinct event applied exactly once (read_model.applied_event), orders, "
                + "lines, statuses and customer sums as the generator predicts, no dead letters, no blocked or parked orders.");
        lines.add("");
        runs.stream().filter(run -> !run.note().isEmpty()).forEach(run -> {
            lines.add(String.format("Note on %s, run %d: %s.", run.scenario(), run.round(), run.note()));
            lines.add("");
        });
        targets(runs, rounds).forEach(line -> {
            lines.add(line);
            lines.add("");
        });
        lines.add("## Where the consumer's time went (its own timers, while the clock ran)");
        lines.add("");
        for (ConsumerRun run : runs) {
            lines.add(String.format("- %s, run %d (load average %s): %s; %,d records in %.1f s from `java -jar` on, start-up and warm-up included",
                    run.scenario(), run.round(), run.load(), run.profile(), run.records(), ConsumerRun.seconds(run.sinceLaunch())));
        }
        return lines;
    }

    private static List<String> targets(List<ConsumerRun> runs, int rounds) {
        List<String> lines = new ArrayList<>();
        List<ConsumerRun> drains = runs.stream().filter(run -> run.scenario().equals(ConsumerBenchmark.DRAIN)).toList();
        if (!drains.isEmpty()) {
            long met = drains.stream().filter(run -> run.eventsPerSecond() >= TARGET_EVENTS_PER_SECOND).count();
            lines.add(String.format("Target of issue 3, at least %,.0f events/s through all pipes: met in %d of %d runs (%s).",
                    TARGET_EVENTS_PER_SECOND, met, drains.size(), rates(drains)));
        }
        List<String> ratios = new ArrayList<>();
        long ratioMet = 0;
        for (int round = 1; round <= rounds; round++) {
            int r = round;
            Optional<ConsumerRun> drain = drains.stream().filter(run -> run.round() == r).findFirst();
            Optional<ConsumerRun> base = baseline(runs, round);
            if (drain.isPresent() && base.isPresent()) {
                double ratio = drain.get().eventsPerSecond() / base.get().eventsPerSecond();
                ratios.add(String.format("%.1fx", ratio));
                ratioMet += ratio >= TARGET_RATIO ? 1 : 0;
            }
        }
        if (!ratios.isEmpty()) {
            lines.add(String.format("Target of issue 4, per poll at least %.0fx one record at a time: met in %d of %d runs (%s).",
                    TARGET_RATIO, ratioMet, ratios.size(), String.join(", ", ratios)));
        }
        return lines;
    }

    private static String rates(List<ConsumerRun> runs) {
        return String.join(", ", runs.stream().map(run -> String.format("%,.0f", run.eventsPerSecond())).toList());
    }

    private static Optional<ConsumerRun> baseline(List<ConsumerRun> runs, int round) {
        return runs.stream().filter(run -> run.round() == round && run.scenario().equals(ConsumerBenchmark.PER_RECORD)).findFirst();
    }
}
