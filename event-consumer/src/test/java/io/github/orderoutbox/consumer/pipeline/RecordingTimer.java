package io.github.orderoutbox.consumer.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link PipeTimer} for single-threaded tests that keeps every sample, in the order recorded. */
final class RecordingTimer implements PipeTimer {

    /** One recorded time. */
    record Sample(String pipe, long nanos) {
        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(nanos);
        }
    }

    final List<Sample> samples = new ArrayList<>();

    @Override
    public void record(String pipe, long nanos) {
        samples.add(new Sample(pipe, nanos));
    }

    Sample of(String pipe) {
        return samples.stream().filter(sample -> sample.pipe().equals(pipe)).findFirst().orElseThrow();
    }
}
