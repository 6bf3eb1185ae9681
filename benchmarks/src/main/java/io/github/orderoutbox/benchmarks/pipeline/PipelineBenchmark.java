package io.github.orderoutbox.benchmarks.pipeline;

import io.github.orderoutbox.consumer.pipeline.Destination;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.MicrometerPipeTimer;
import io.github.orderoutbox.consumer.pipeline.Next;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.Pipe;
import io.github.orderoutbox.consumer.pipeline.PipeTimer;
import io.github.orderoutbox.consumer.pipeline.Pipeline;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pipe chain's own cost: one event through chains of 1, 4 and 16 no-op pipes and a
 * destination, untimed, with the exclusive-time bookkeeping alone ({@code clock}, a timer that only
 * adds up), and with the Micrometer timer; and, as the baseline, the destination called directly.
 * The cost of one pipe is the slope, {@code (chain(16) - chain(4)) / 12}.
 *
 * <pre>
 * java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
 *     PipelineBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s -o benchmarks/results/pipeline-latest.txt
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PipelineBenchmark {

    /** A chain of no-op pipes, built once per trial, and the event sent through it. */
    @State(Scope.Benchmark)
    public static class Chain {

        @Param({"1", "4", "16"})
        public int pipes;

        @Param({"none", "clock", "micrometer"})
        public String timer;

        Pipeline<EventContext> pipeline;
        EventContext context;

        @Setup
        public void build() {
            PipeTimer pipeTimer = switch (timer) {
                case "none" -> PipeTimer.none();
                case "clock" -> new Summing();
                case "micrometer" -> new MicrometerPipeTimer(new SimpleMeterRegistry());
                default -> throw new IllegalArgumentException("unknown timer " + timer);
            };
            Apply destination = new Apply();
            context = EventContext.firstAttempt(sampleEvent());
            pipeline = Pipeline.through(noOpPipes(pipes)).timedBy(pipeTimer).then(destination);

            // A real chain has several pipe classes, so the call of a pipe from its link sees many
            // types. Run a mixed chain first, or a chain of one would be measured with a
            // single-type call the consumer never has.
            Pipeline<EventContext> mixed = Pipeline.through(noOpPipes(16)).timedBy(pipeTimer).then(destination);
            for (int i = 0; i < 50_000; i++) {
                mixed.send(context);
            }
        }
    }

    /** The destination and event alone, for the baseline. */
    @State(Scope.Benchmark)
    public static class Direct {

        final Apply destination = new Apply();
        final EventContext context = EventContext.firstAttempt(sampleEvent());
    }

    @Benchmark
    public Outcome chain(Chain chain) {
        return chain.pipeline.send(chain.context);
    }

    @Benchmark
    public long destinationDirectly(Direct direct) {
        direct.destination.accept(direct.context);
        return direct.destination.applied;
    }

    static List<Pipe<EventContext>> noOpPipes(int count) {
        List<Pipe<EventContext>> pipes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            pipes.add(switch (i % 4) {
                case 0 -> new NoOpA();
                case 1 -> new NoOpB();
                case 2 -> new NoOpC();
                default -> new NoOpD();
            });
        }
        return pipes;
    }

    static ReceivedEvent sampleEvent() {
        byte[] value = ("{\"order_id\":\"8d4f2c1e-0000-4000-8000-000000000001\",\"customer_id\":\"c-1\","
                + "\"currency\":\"EUR\",\"items\":[{\"sku\":\"SKU-1\",\"quantity\":2,\"unit_price\":\"12.50\"}],"
                + "\"placed_at\":\"2026-01-02T03:04:05Z\"}").getBytes(StandardCharsets.UTF_8);
        return new ReceivedEvent("orders.events", 0, 1L, Instant.parse("2026-01-02T03:04:05Z"),
                "8d4f2c1e-0000-4000-8000-000000000001",
                Map.of("ce_id", "e-1", "ce_type", "OrderPlaced", "ce_specversion", "1.0"), value);
    }

    /** Counts arrivals, so the destination does something the compiler must keep. */
    static final class Apply implements Destination<EventContext> {

        long applied;

        @Override
        public void accept(EventContext context) {
            applied++;
        }
    }

    /** A timer that only adds the times up: the cost of measuring, without Micrometer. */
    static final class Summing implements PipeTimer {

        long total;

        @Override
        public void record(String pipe, long nanos) {
            total += nanos;
        }
    }

    /** Hands the event on and does nothing else. */
    static final class NoOpA implements Pipe<EventContext> {
        @Override
        public Outcome handle(EventContext context, Next<EventContext> next) {
            return next.handle(context);
        }
    }

    /** Hands the event on and does nothing else. */
    static final class NoOpB implements Pipe<EventContext> {
        @Override
        public Outcome handle(EventContext context, Next<EventContext> next) {
            return next.handle(context);
        }
    }

    /** Hands the event on and does nothing else. */
    static final class NoOpC implements Pipe<EventContext> {
        @Override
        public Outcome handle(EventContext context, Next<EventContext> next) {
            return next.handle(context);
        }
    }

    /** Hands the event on and does nothing else. */
    static final class NoOpD implements Pipe<EventContext> {
        @Override
        public Outcome handle(EventContext context, Next<EventContext> next) {
            return next.handle(context);
        }
    }
}
