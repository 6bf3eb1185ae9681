package io.github.orderoutbox.consumer.pipeline;

/** The {@link PipeTimer} that records nothing; {@link Pipeline} builds untimed nodes for it. */
enum NoPipeTimer implements PipeTimer {
    INSTANCE;

    @Override
    public void record(String pipe, long nanos) {
        // Nothing to record: the pipeline does not even call this, it links untimed nodes for this timer.
    }
}
