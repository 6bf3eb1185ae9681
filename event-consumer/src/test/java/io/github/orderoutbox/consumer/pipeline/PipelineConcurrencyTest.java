package io.github.orderoutbox.consumer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** One pipeline shared by several threads sending different events at the same time. */
class PipelineConcurrencyTest {

    private static final int THREADS = 4;
    private static final int EVENTS_PER_THREAD = 5_000;

    /** Records its visit and hands the context on. */
    static final class Validate implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("Validate");
            return next.handle(context);
        }
    }

    /** Stops every third event, naming it in the reason so a mixed-up outcome would show. */
    static final class SkipEveryThird implements Pipe<Trace> {
        @Override
        public Outcome handle(Trace context, Next<Trace> next) {
            context.visit("SkipEveryThird");
            if (context.id % 3 == 0) {
                return Outcome.stop(new StopReason("third", "event " + context.id));
            }
            return next.handle(context);
        }
    }

    /** Records that the context arrived. */
    static final class Apply implements Destination<Trace> {
        @Override
        public void accept(Trace context) {
            context.visit("Apply");
        }
    }

    @Test
    void concurrentEventsEachGetTheirOwnPathOutcomeAndTimings() throws Exception {
        Map<String, LongAdder> samples = new ConcurrentHashMap<>();
        LongAdder negative = new LongAdder();
        PipeTimer counting = (pipe, nanos) -> {
            samples.computeIfAbsent(pipe, name -> new LongAdder()).increment();
            if (nanos < 0) {
                negative.increment();
            }
        };
        Pipeline<Trace> pipeline = Pipeline.through(List.of(new Validate(), new SkipEveryThird()))
                .timedBy(counting)
                .then(new Apply());

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<List<String>>> problems = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                int first = t * EVENTS_PER_THREAD;
                problems.add(threads.submit(() -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int id = first; id < first + EVENTS_PER_THREAD; id++) {
                        Trace trace = new Trace(id);
                        Outcome outcome = pipeline.send(trace);
                        boolean stops = id % 3 == 0;
                        List<String> path = stops
                                ? List.of("Validate", "SkipEveryThird")
                                : List.of("Validate", "SkipEveryThird", "Apply");
                        Outcome expected = stops
                                ? new Outcome.Stopped("SkipEveryThird", new StopReason("third", "event " + id))
                                : Outcome.Completed.INSTANCE;
                        if (!trace.visits.equals(path) || !outcome.equals(expected)) {
                            wrong.add(id + ": " + trace.visits + " " + outcome);
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            for (Future<List<String>> problem : problems) {
                assertThat(problem.get(30, TimeUnit.SECONDS)).isEmpty();
            }
        } finally {
            threads.shutdownNow();
        }

        int events = THREADS * EVENTS_PER_THREAD;
        int stopped = (int) java.util.stream.IntStream.range(0, events).filter(id -> id % 3 == 0).count();
        assertThat(samples.get("Validate").sum()).isEqualTo(events);
        assertThat(samples.get("SkipEveryThird").sum()).isEqualTo(events);
        assertThat(samples.get("Apply").sum()).isEqualTo(events - stopped);
        assertThat(negative.sum()).isZero();
    }
}
