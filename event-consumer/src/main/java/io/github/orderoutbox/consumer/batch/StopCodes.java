package io.github.orderoutbox.consumer.batch;

/** The codes of the stop reasons the pipes give, which the batch counts. */
public final class StopCodes {

    /** The event was applied before. */
    public static final String DUPLICATE = "duplicate";

    private StopCodes() {
    }
}
