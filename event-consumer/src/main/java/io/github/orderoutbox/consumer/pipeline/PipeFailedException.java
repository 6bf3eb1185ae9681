package io.github.orderoutbox.consumer.pipeline;

import java.util.Objects;

/**
 * A pipe (or the destination) threw: carries the name of that pipe and, as its cause, what it
 * threw, so a dead-letter writer can record the failed pipe and a classifier can look at the cause.
 *
 * <p>Thrown once, by the node of the pipe that failed; the pipes before it let it pass unchanged,
 * so {@link #getCause()} is always the original exception, never another wrapper.
 */
public final class PipeFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String pipe;

    public PipeFailedException(String pipe, Throwable cause) {
        super("pipe " + pipe + " failed: " + Objects.requireNonNull(cause, "cause"), cause);
        this.pipe = Objects.requireNonNull(pipe, "pipe");
    }

    /** The name of the pipe that failed, as in {@link Pipeline#pipeNames()}. */
    public String pipe() {
        return pipe;
    }
}
