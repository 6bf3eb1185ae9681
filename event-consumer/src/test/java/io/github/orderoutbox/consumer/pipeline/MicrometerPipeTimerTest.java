package io.github.orderoutbox.consumer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Pipe times as Micrometer timers: {@code consumer.pipe}, one per pipe, one sample per event. */
class MicrometerPipeTimerTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final Pipeline<Trace> pipeline = Pipeline.through(List.of(
                    new PipelineTest.First(), new PipelineTest.Second(), new PipelineTest.StopHere(), new PipelineTest.Third()))
            .timedBy(new MicrometerPipeTimer(registry))
            .then(new PipelineTest.Arrive());

    @Test
    void recordsOneSamplePerPipeThatRanPerEvent() {
        for (int i = 0; i < 3; i++) {
            pipeline.send(new Trace(i));
        }

        assertThat(timer("First").count()).isEqualTo(3);
        assertThat(timer("Second").count()).isEqualTo(3);
        assertThat(timer("StopHere").count()).isEqualTo(3);
        assertThat(registry.find(MicrometerPipeTimer.METRIC).tag("pipe", "Third").timer()).isNull();
        assertThat(registry.find(MicrometerPipeTimer.METRIC).tag("pipe", "Arrive").timer()).isNull();
        assertThat(registry.find(MicrometerPipeTimer.METRIC).timers()).hasSize(3);
    }

    @Test
    void recordsExclusiveTimeOfEachPipe() {
        Pipeline<Trace> slow = Pipeline.through(List.<Pipe<Trace>>of(new PipeTimingTest.FiveBefore(), new PipeTimingTest.TwentyBefore()))
                .timedBy(new MicrometerPipeTimer(registry))
                .build();

        slow.send(new Trace());

        assertThat(timer("FiveBefore").totalTime(TimeUnit.MILLISECONDS)).isBetween(5.0, 19.0);
        assertThat(timer("TwentyBefore").totalTime(TimeUnit.MILLISECONDS)).isBetween(20.0, 60.0);
    }

    private Timer timer(String pipe) {
        return registry.get(MicrometerPipeTimer.METRIC).tag("pipe", pipe).timer();
    }
}
