package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.testsupport.TestServer;
import java.time.Duration;

/**
 * The lifecycle the servers run from binaries share: one child process at a time, started again
 * on the same port with the same files after a stop or a kill, its files deleted on close. A
 * subclass says how to start its process and, where SIGTERM is not the right way, how to stop it.
 */
abstract class BinaryServer implements TestServer {

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    final ServerFiles files;
    private final Duration startTimeout;
    private ServerProcess process;
    private boolean closed;

    BinaryServer(ServerFiles files, Duration startTimeout) {
        this.files = files;
        this.startTimeout = startTimeout;
    }

    /** Starts the server's process (not yet answering). */
    abstract ServerProcess startProcess();

    /** Stops a running process cleanly; SIGTERM unless the server has a better way. */
    void stopProcess(ServerProcess running) {
        running.terminate(STOP_TIMEOUT);
    }

    /** Ends a running process when the server is closed and its files are about to be deleted. */
    void endProcess(ServerProcess running) {
        running.kill();
    }

    @Override
    public final String source() {
        return "binaries";
    }

    @Override
    public final boolean canBeStopped() {
        return true;
    }

    @Override
    public final synchronized void start() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        if (isRunning()) {
            return;
        }
        process = startProcess();
        process.awaitAnswering(this, startTimeout);
    }

    @Override
    public final synchronized void stop() {
        if (isRunning()) {
            stopProcess(process);
        }
    }

    @Override
    public final synchronized void kill() {
        if (isRunning()) {
            process.kill();
        }
    }

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

    private boolean isRunning() {
        return process != null && process.isAlive();
    }
}
