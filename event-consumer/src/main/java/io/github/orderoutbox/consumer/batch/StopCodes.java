package io.github.orderoutbox.consumer.batch;

/** The codes of the stop reasons the pipes give, which the batch counts. */
public final class StopCodes {

    /** The event was applied before. */
    public static final String DUPLICATE = "duplicate";
    /** The read model already reflects a newer event of the order (version guard). */
    public static final String STALE = "stale";

    private StopCodes() {
    }
}
