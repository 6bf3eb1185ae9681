package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the collapsed stacks async-profiler writes next to a service's log ({@code
 * -Dbenchmark.async-profiler}, see {@link ServiceProcess}) and prints where the samples went: per
 * thread, then the frames that were on the stack for at least 2 % of them (inclusive), then the
 * frames that were running (self). The whole file covers the process's life, start-up and JIT
 * included; {@code only=<text>} keeps the stacks that contain the text, e.g. a worker's run method.
 *
 * <p>Usage: {@code java -cp benchmarks/target/classes io.github.orderoutbox.benchmarks.ProfileSummary
 * <file.collapsed> [only=<text>] [top=40]}
 */
public final class ProfileSummary {

    private ProfileSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ProfileSummary <file.collapsed> [only=<text>] [top=40]");
        }
        String only = null;
        int top = 40;
        for (String arg : Arrays.copyOfRange(args, 1, args.length)) {
            if (arg.startsWith("only=")) {
                only = arg.substring("only=".length());
            } else if (arg.startsWith("top=")) {
                top = Integer.parseInt(arg.substring("top=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || (only != null && !line.contains(only))) {
                continue;
            }
            long samples = Long.parseLong(line.substring(space + 1));
            String[] frames = line.substring(0, space).split(";");
            total += samples;
            threads.merge(frames[0], samples, Long::sum);
            self.merge(frames[frames.length - 1], samples, Long::sum);
            Set<String> seen = new HashSet<>(Arrays.asList(frames)); // a recursive frame counts once per stack
            for (String frame : seen) {
                inclusive.merge(frame, samples, Long::sum);
            }
        }
        System.out.printf("%s%s: %,d samples%n", args[0], only == null ? "" : " (stacks containing " + only + ")", total);
        print("outermost frames (threads)", threads, total, 10);
        print("inclusive (on the stack), at least 2 %", withAtLeast(inclusive, total / 50), total, top);
        print("self (running)", self, total, top);
    }

    private static Map<String, Long> withAtLeast(Map<String, Long> counts, long minimum) {
        Map<String, Long> kept = new HashMap<>();
        counts.forEach((frame, samples) -> {
            if (samples >= minimum) {
                kept.put(frame, samples);
            }
        });
        return kept;
    }

    private static void print(String title, Map<String, Long> counts, long total, int limit) {
        System.out.println();
        System.out.println("## " + title);
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        for (Map.Entry<String, Long> entry : sorted.subList(0, Math.min(limit, sorted.size()))) {
            System.out.printf("%6.1f %%  %s%n", 100.0 * entry.getValue() / total, entry.getKey());
        }
    }
}
