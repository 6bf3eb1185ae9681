package io.github.orderoutbox.localstack.process;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One run of a server's OS process: started behind a watchdog with its output appended to the
 * server's log file, probed until it answers, and ended gracefully or as by a crash (SIGKILL).
 *
 * <p>The watchdog is why no server outlives the JVM that started it, even a JVM killed with
 * SIGKILL, on Linux and macOS alike. Java cannot give a child a parent-death signal, so every
 * server is started through {@code sh -c} {@link #WATCHDOG}: the shell starts the server and a
 * reader of the pipe that this JVM holds as the shell's standard input. That pipe reaches end of
 * file when this JVM closes it ({@link #stop}) or when this JVM is gone, however it died, because
 * the kernel then closes its end. At end of file the watchdog sends the server its stop signal
 * (SIGTERM, SIGINT for Postgres's fast shutdown) and SIGKILL if it is still there 30 s later. The
 * server runs in a session of its own, so a Ctrl-C in the terminal reaches only the launcher (and
 * the watchdogs, which ignore it), which then stops the servers in its own order.
 */
public final class ServerProcess {

    /**
     * {@code $1} is the stop signal, the rest the server's command. The server gets no standard
     * input, and a session of its own ({@code setsid}, or Perl's {@code setpgrp} on macOS, which
     * has no {@code setsid} command), so no signal of the terminal reaches it. Not the shell's job
     * control ({@code set -m}): with a terminal, the shell would make itself the terminal's
     * foreground group and take Ctrl-C from the launcher. fd 3 keeps the pipe for the watchdog,
     * which polls for the server's end after signalling it, so that it ends with the server.
     */
    static final String WATCHDOG = """
            stop_signal=$1; shift
            trap '' INT
            exec 3<&0 0</dev/null
            if command -v setsid >/dev/null 2>&1; then
              setsid "$@" 3<&- &
            elif command -v perl >/dev/null 2>&1; then
              perl -e 'setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die "cannot run $ARGV[0]: $!\\n"' "$@" 3<&- &
            else
              "$@" 3<&- &
            fi
            server=$!
            {
              cat <&3 >/dev/null 2>&1
              kill -"$stop_signal" "$server" 2>/dev/null
              waited=0
              while kill -0 "$server" 2>/dev/null; do
                if [ "$waited" -ge 150 ]; then kill -KILL "$server" 2>/dev/null; fi
                sleep 0.2
                waited=$((waited + 1))
              done
            } &
            exec 3<&-
            wait "$server"
            """;

    private static final int LOG_LINES_IN_ERRORS = 30;
    private static final boolean SETPRIV_AVAILABLE = Files.isExecutable(Path.of("/usr/bin/setpriv"));
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "server-launcher");
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
        // A server that ended by itself: release its watchdog, which still reads the pipe.
        process.onExit().thenRun(this::closeWatchdogPipe);
    }

    /** Starts the command behind the watchdog; SIGTERM stops it. */
    public static ServerProcess start(String name, List<String> command, Path logFile) {
        return start(name, command, Map.of(), logFile);
    }

    /** The same, with these environment variables added to this JVM's. */
    public static ServerProcess start(String name, List<String> command, Map<String, String> environment, Path logFile) {
        List<String> launched = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "watchdog", "TERM"));
        launched.addAll(privileges(name, List.of()));
        launched.addAll(command);
        return new ServerProcess(fork(name, launched, environment, logFile), name, logFile);
    }

    /**
     * Starts the command behind the watchdog, as another user: {@code userOptions} are
     * {@code setpriv} options such as {@code --reuid=nobody}. Where {@code setpriv} exists, the
     * server also gets SIGKILL as its parent-death signal, so that it dies at once with its
     * watchdog. Linux sends that signal when the <em>thread</em> that forked the process ends,
     * which is why every process is forked by one launcher thread that lives as long as the JVM.
     *
     * @param stopSignal the signal that stops the server gracefully, e.g. {@code TERM}
     */
    public static ServerProcess startAs(String name, List<String> userOptions, List<String> command, Path logFile,
            String stopSignal) {
        List<String> launched = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "watchdog", stopSignal));
        launched.addAll(privileges(name, userOptions));
        launched.addAll(command);
        return new ServerProcess(fork(name, launched, Map.of(), logFile), name, logFile);
    }

    /** Runs a command to its end, e.g. {@code initdb}, and fails unless it exits with 0. */
    public static void run(String name, List<String> userOptions, List<String> command, Path logFile, Duration timeout) {
        List<String> launched = new ArrayList<>(privileges(name, userOptions));
        launched.addAll(command);
        ServerProcess run = new ServerProcess(fork(name, launched, Map.of(), logFile), name, logFile);
        run.awaitExit(timeout);
        if (run.process.exitValue() != 0) {
            throw run.failure("exited with " + run.process.exitValue());
        }
    }

    private static List<String> privileges(String name, List<String> userOptions) {
        List<String> prefix = new ArrayList<>();
        if (SETPRIV_AVAILABLE) {
            prefix.addAll(List.of("setpriv", "--pdeathsig", "KILL"));
            prefix.addAll(userOptions);
        } else if (!userOptions.isEmpty()) {
            throw new IllegalStateException("setpriv (util-linux) is needed to run " + name + " as " + userOptions);
        }
        return prefix;
    }

    private static Process fork(String name, List<String> command, Map<String, String> environment, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        try {
            return LAUNCHER.submit(builder::start).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not start " + name + ": " + command, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    /** The process started (the watchdog) and every process below it: the server and its children. */
    public List<ProcessHandle> processTree() {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        tree.addAll(process.descendants().toList());
        return tree;
    }

    /** Probes the server until it answers; fails at once if the process has exited. */
    public void awaitAnswering(BooleanSupplier answers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!answers.getAsBoolean()) {
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

    /**
     * The graceful stop: closes the watchdog's pipe, so the watchdog sends the stop signal, and
     * kills the server if it has not ended after {@code timeout}.
     */
    public void stop(Duration timeout) {
        closeWatchdogPipe();
        if (!waitFor(timeout)) {
            kill();
        }
    }

    /**
     * SIGKILL to the process and to every process it started (the server, Postgres backends), and
     * waits until all are gone, so that a restart finds the port and the data directory free.
     */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitExit(Duration.ofSeconds(30));
        descendants.forEach(child -> child.onExit().orTimeout(30, TimeUnit.SECONDS).join());
        closeWatchdogPipe();
    }

    public void awaitExit(Duration timeout) {
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

    private void closeWatchdogPipe() {
        try (OutputStream pipe = process.getOutputStream()) {
            pipe.flush();
        } catch (IOException alreadyClosed) {
            // The watchdog has its end of file either way.
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(name + " (pid " + process.pid() + ") " + what
                + "; last lines of " + logFile + ":\n" + logTail());
    }

    /** The last lines of the server's log, for error messages. */
    public String logTail() {
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
