package io.github.orderoutbox.consumer.batch;

/**
 * The database refused a batch's changes for a reason other than an outage (a row a constraint
 * refuses): nothing of the batch was written. Trying the same batch again would fail the same way,
 * so it is applied one event per transaction instead, and only the event at fault is dead-lettered.
 */
public final class WriteRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    WriteRefusedException(Throwable cause) {
        super(cause);
    }
}
