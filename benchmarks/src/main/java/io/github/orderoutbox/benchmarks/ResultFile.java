package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A benchmark's report in {@code benchmarks/results/}: {@code <name>-latest.md}, which is
 * committed, and a time-stamped copy, which is not.
 */
final class ResultFile {

    private ResultFile() {
    }

    /** Writes the report's lines under both names and prints them. */
    static void write(Path root, String name, List<String> report) throws IOException {
        Path dir = root.resolve("benchmarks").resolve("results");
        Files.createDirectories(dir);
        String text = String.join("\n", report) + "\n";
        String stamp = Instant.now().toString().replace(":", "").replace(".", "");
        Files.writeString(dir.resolve(name + "-" + stamp + ".md"), text);
        Files.writeString(dir.resolve(name + "-latest.md"), text);
        System.out.println(text);
    }
}
