package io.github.orderoutbox.localstack.process;

import java.time.Duration;
import java.util.List;

/**
 * The lifecycle the servers run from binaries share: one child process at a time, started again
 * on the same port with the same files after a stop or a kill, its files deleted on close. A
 * subclass says how to start its process, how to probe it and, where the watchdog's signal is not
 * the right way, how to stop it.
 */
public abstract class LocalServer implements AutoCloseable {

    protected static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    protected final ServerFiles files;
    private final Duration startTimeout;
    private ServerProcess process;
    private boolean closed;

    protected LocalServer(ServerFiles files, Duration startTimeout) {
        this.files = files;
        this.startTimeout = startTimeout;
    }

    /** Starts the server's process (not yet answering). */
    protected abstract ServerProcess startProcess();

    /** Sends one cheap request (a query, a cluster description, a PING) and tells whether it was answered. */
    public abstract boolean isAnswering();

    /** Stops a running process cleanly: the watchdog's stop signal, unless the server has a better way. */
    protected void stopProcess(ServerProcess running) {
        running.stop(STOP_TIMEOUT);
    }

    /** Ends a running process when the server is closed and its files are about to be deleted. */
    protected void endProcess(ServerProcess running) {
        running.kill();
    }

    public final ServerFiles files() {
        return files;
    }

    /**
     * Starts the server (again, on the same port with the same data) and waits until it answers.
     * The wait holds no lock, so a stop or kill from another thread (Ctrl-C during a start) ends
     * the process at once, and this start then fails.
     */
    public final void start() {
        ServerProcess started;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(this + " is closed");
            }
            if (isRunning()) {
                return;
            }
            process = startProcess();
            started = process;
        }
        started.awaitAnswering(this::isAnswering, startTimeout);
    }

    /** Shuts the server down gracefully; its data is kept for {@link #start()}. */
    public final synchronized void stop() {
        if (isRunning()) {
            stopProcess(process);
        }
    }

    /** Kills the server's processes with SIGKILL, as a crash would; its data is kept for {@link #start()}. */
    public final synchronized void kill() {
        if (isRunning()) {
            process.kill();
        }
    }

    /** Stops the server for good and deletes its data. */
    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (isRunning()) {
            endProcess(process);
        }
        files.deleteData();
    }

    /** The processes of the running server (its watchdog first), empty when it is not running. */
    public final synchronized List<ProcessHandle> processTree() {
        return isRunning() ? process.processTree() : List.of();
    }

    public final synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }
}
