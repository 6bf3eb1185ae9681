package io.github.orderoutbox.endtoend.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The launcher of {@code ./run} (local-stack's launcher jar) started by a test as its own process,
 * its output in files, with the stand-in demo in place of demo-orders' jar.
 */
final class LauncherProcess implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private LauncherProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** {@code java -jar local-stack-<version>-launcher.jar --project-dir <root> <arguments>}, as ./run does. */
    static LauncherProcess start(Path workDirectory, String name, List<String> arguments) throws IOException {
        Files.createDirectories(workDirectory);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", required("local-stack.launcher.jar"),
                "--project-dir", required("project.root")));
        command.addAll(arguments);
        Path out = workDirectory.resolve(name + ".out");
        Path err = workDirectory.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new LauncherProcess(process, out, err);
    }

    /** Waits until the launcher's output holds {@code text}; fails early if the launcher exits. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("the launcher exited with " + process.exitValue() + " before printing \"" + text
                        + "\"\n" + output() + "\n" + errors());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the launcher did not print \"" + text + "\" within " + timeout + "\n" + output() + "\n" + errors());
            }
            Thread.sleep(200);
        }
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the launcher did not exit within " + timeout + "\n" + output() + "\n" + errors());
        }
        return process.exitValue();
    }

    /** SIGTERM, as Ctrl-C's signal would be handled: the launcher stops everything in order. */
    int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    Process process() {
        return process;
    }

    String output() {
        return read(out);
    }

    String errors() {
        return read(err);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || !new File(value).exists()) {
            throw new IllegalStateException("system property " + property + " names nothing: " + value
                    + "; run the tests through Maven verify, which packages the jars first");
        }
        return value;
    }
}
