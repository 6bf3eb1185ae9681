package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.testsupport.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One run of a server's OS process: started with its output appended to the server's log file,
 * probed until it answers, and ended gracefully (SIGTERM) or as by a crash (SIGKILL).
 */
final class ServerProcess {

    private static final int LOG_LINES_IN_ERRORS = 30;
    private static final boolean SETPRIV_AVAILABLE = Files.isExecutable(Path.of("/usr/bin/setpriv"));
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "test-server-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private final Process process;
    private final String name;
    private final Path logFile;

    private ServerProcess(Process process, String name, Path logFile) {
        this.process = process;
        this.name = name;
        this.logFile = logFile;
    }

    static ServerProcess start(String name, List<String> command, Path logFile) {
        return startAs(name, List.of(), command, logFile);
    }

    /**
     * Starts the command as another user: {@code userOptions} are {@code setpriv} options such as
     * {@code --reuid=nobody}. Where {@code setpriv} exists, the process also gets SIGKILL as its
     * parent-death signal, so that it dies with this JVM even when the JVM is killed and no
     * shutdown hook runs. Linux sends that signal when the <em>thread</em> that forked the process
     * ends, which is why every process is forked by one launcher thread that lives as long as the JVM.
     */
    static ServerProcess startAs(String name, List<String> userOptions, List<String> command, Path logFile) {
        List<String> launched = new ArrayList<>();
        if (SETPRIV_AVAILABLE) {
            launched.addAll(List.of("setpriv", "--pdeathsig", "KILL"));
            launched.addAll(userOptions);
        } else if (!userOptions.isEmpty()) {
            throw new IllegalStateException("setpriv (util-linux) is needed to run " + name + " as " + userOptions);
        }
        launched.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(launched)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            return new ServerProcess(LAUNCHER.submit(builder::start).get(), name, logFile);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not start " + name + ": " + launched, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    /** Runs a command to its end, e.g. {@code initdb}, and fails unless it exits with 0. */
    static void run(String name, List<String> userOptions, List<String> command, Path logFile, Duration timeout) {
        ServerProcess run = startAs(name, userOptions, command, logFile);
        run.awaitExit(timeout);
        if (run.process.exitValue() != 0) {
            throw run.failure("exited with " + run.process.exitValue());
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Probes the server until it answers; fails at once if the process has exited. */
    void awaitAnswering(TestServer server, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!server.isAnswering()) {
            if (!process.isAlive()) {
                throw failure("exited with " + process.exitValue() + " before it answered");
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw failure("did not answer within " + timeout);
            }
            sleep(Duration.ofMillis(100));
        }
    }

    /** SIGTERM, and SIGKILL if the process has not ended after {@code timeout}. */
    void terminate(Duration timeout) {
        process.destroy();
        if (!waitFor(timeout)) {
            kill();
        }
    }

    /**
     * SIGKILL to the process and to every process it started (Postgres backends), and waits until
     * all are gone, so that a restart finds the port and the data directory free.
     */
    void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(30));
        descendants.forEach(child -> child.onExit().orTimeout(30, TimeUnit.SECONDS).join());
    }

    void awaitExit(Duration timeout) {
        if (!waitFor(timeout)) {
            throw failure("did not exit within " + timeout);
        }
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(name + " (pid " + process.pid() + ") " + what
                + "; last lines of " + logFile + ":\n" + logTail());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
