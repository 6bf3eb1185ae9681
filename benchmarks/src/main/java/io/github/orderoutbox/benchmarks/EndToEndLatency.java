package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.testsupport.RedisServer;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.springframework.jdbc.core.ConnectionCallback;

/**
 * End to end at a steady rate: writers commit valid order events into the outbox
 * ({@link PacedWriters}, events of {@link OrderLifecycles}), the relay publishes them, the
 * consumer applies them to the read model in the same database (one database for both, as by
 * default) with Redis. Per event: the time from the writer's commit to the commit of the consumer's
 * transaction that applied it, the moment the read model shows it.
 *
 * <p>Both instants are Postgres commit timestamps ({@code track_commit_timestamp=on}), read after
 * the run: the writer's transaction id comes back from its INSERT ({@code RETURNING xmin}); the
 * consumer's is the {@code xmin} of the event's {@code read_model.applied_event} row, which it
 * inserts in the transaction that applies the event and never updates. A commit timestamp is taken
 * as the commit record is written, before its WAL flush, on both sides alike and from one clock, so
 * the figure is the time between the two commits with neither flush counted twice or left out, and
 * measuring costs the run no more than the ids. The outbox row's own {@code xmin} would not do:
 * the relay's mark updates the row (a new {@code xmin}) and then deletes it. The writer's wall
 * clock after its COMMIT returns would not either: it would count the writer's flush and round
 * trip against the latency and not the consumer's.
 *
 * <p>Each writer has a stream of orders of its own, so an order's events are committed one after
 * the other by one writer, as an orders service's lock on the order makes them. The run counts
 * only if the read model then holds exactly what the writers' streams predict (every event applied
 * once) and no event was dead-lettered; otherwise it throws.
 */
final class EndToEndLatency {

    /** Orders in progress per writer: 2,000 in all, as many as {@link SteadyLatency}'s writers touch. */
    private static final int OPEN_ORDERS = 2_000 / PacedWriters.WRITERS;
    /** Events drained before the paced writers start, as the consumer's own benchmark warms up with 50,000. */
    private static final int WARM_UP_BACKLOG = 20_000;
    private static final Duration READY = Duration.ofSeconds(120);
    private static final Duration TAIL = Duration.ofSeconds(60);

    private static final String INSERT_EVENT = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, ?, ?, ?::jsonb, jsonb_build_object('traceparent', ?::text))""";

    /** Microseconds from each measured event's writer commit to the commit that applied it. */
    private static final String LATENCIES = """
            SELECT (extract(epoch FROM pg_xact_commit_timestamp(a.xmin)
                                       - pg_xact_commit_timestamp(w.xid::text::xid)) * 1000000)::bigint
              FROM unnest(?::uuid[], ?::bigint[]) AS w(event_id, xid)
              JOIN read_model.applied_event a USING (event_id)
            """;

    /**
     * @param cpu  CPU per process group from the end of the warm-up until the read model held every event
     * @param note what a reader of the figures must know (Redis calls failed), or empty
     */
    record Result(LatencyResult latency, Map<String, Duration> cpu, String note) {
    }

    /** An event written after the warm-up, and the id of the writer's transaction. */
    private record Written(UUID eventId, long xid) {
    }

    private EndToEndLatency() {
    }

    /**
     * Starts the relay and the consumer on {@code db} (both migration sets applied), drains a
     * warm-up backlog once both are ready (the relay holding its buckets, the consumer every
     * partition), then runs the writers. Prints the relay's phases and the consumer's batches
     * after the warm-up, as the other benchmarks do.
     */
    static Result run(BenchmarkDatabase db, RedisServer redis, Path relayJar, Map<String, String> relaySettings, Path consumerJar,
                      int rate, Duration warmup, Duration measured, Path logs) throws Exception {
        db.insertCatalog(OrderLifecycles.PRODUCTS);
        Map<String, String> consumerSettings = ConsumerDrain.settings(db, redis, "e2e-" + System.currentTimeMillis());
        consumerSettings.put("consumer.mode", "PER_POLL");
        long redisKeysBefore = ConsumerDrain.redisKeys(redis);
        long firstMeasured = warmup.toSeconds() * rate;
        long written = (warmup.toSeconds() + measured.toSeconds()) * rate;
        List<OrderLifecycles.Events> streams = Collections.synchronizedList(new ArrayList<>());
        Queue<Written> measuredEvents = new ConcurrentLinkedQueue<>();
        AtomicInteger writers = new AtomicInteger();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", db.kafka.bootstrapServers()))) {
            Map<String, Duration> cpu;
            double achieved;
            try (RelayProcess relay = RelayProcess.start(relayJar, db, relaySettings, logs.resolve("side-by-side-e2e-relay.log"));
                 ServiceProcess consumer = ServiceProcess.start(consumerJar, List.of("-Xmx512m"), consumerSettings,
                         logs.resolve("side-by-side-e2e-consumer.log"))) {
                relay.awaitReady(READY);
                awaitAssigned(admin, consumerSettings.get("consumer.group-id"), consumer);
                streams.add(drainWarmUpBacklog(db, consumer));
                Map<Long, String> pids = Map.of(relay.pid(), "relay", consumer.pid(), "consumer");
                AtomicReference<Map<String, Duration>> cpuAtWarmupEnd = new AtomicReference<>();
                AtomicReference<Map<String, Double>> consumerAtWarmupEnd = new AtomicReference<>(Map.of());
                AtomicLong warmupEnd = new AtomicLong();
                achieved = PacedWriters.run(db, rate, warmup, measured, () -> {
                    warmupEnd.set(System.nanoTime());
                    cpuAtWarmupEnd.set(ExitedBackendsCpu.snapshot(pids));
                    consumerAtWarmupEnd.set(consumerMetrics(consumer));
                }, () -> {
                    int writer = writers.incrementAndGet();
                    OrderLifecycles.Events events = new OrderLifecycles("w" + writer + "-order-", OPEN_ORDERS, writer).events();
                    streams.add(events);
                    return writer(events, firstMeasured, measuredEvents);
                });
                awaitApplied(db, WARM_UP_BACKLOG + written, consumer);
                cpu = ProcessCpu.used(cpuAtWarmupEnd.get(), ExitedBackendsCpu.snapshot(pids));
                System.out.println("relay phases: " + relay.phases());
                System.out.println("consumer after the warm-up: " + ConsumerDrain.profile(consumerAtWarmupEnd.get(),
                        consumerMetrics(consumer), Duration.ofNanos(System.nanoTime() - warmupEnd.get())));
            }
            ReadModelCounts expected = streams.stream().map(OrderLifecycles.Events::readModel).reduce(ReadModelCounts::plus)
                    .orElseThrow();
            long total = WARM_UP_BACKLOG + written;
            EventTopic topic = new EventTopic(db.topic, WARM_UP_BACKLOG + firstMeasured, total, total, expected);
            String note = ConsumerDrain.verify("end to end", db, topic, admin, consumerSettings.get("consumer.dead-letter-topic"),
                    ConsumerDrain.redisKeys(redis) - redisKeysBefore);
            Histogram latencies = latencies(db, List.copyOf(measuredEvents));
            return new Result(new LatencyResult("end to end", latencies.getTotalCount(), achieved, latencies), cpu, note);
        }
    }

    /**
     * A backlog of {@value #WARM_UP_BACKLOG} events (orders of their own, inserted in stream order
     * in one batch of statements), drained at full speed and not measured, so that the paced run
     * meets compiled code, as services up for a while have; the drains warm up the same way.
     *
     * @return the backlog's stream, for the read model it predicts
     */
    private static OrderLifecycles.Events drainWarmUpBacklog(BenchmarkDatabase db, ServiceProcess consumer)
            throws InterruptedException {
        long start = System.nanoTime();
        OrderLifecycles.Events backlog = new OrderLifecycles("warm-up-order-", OPEN_ORDERS, 0).events();
        EventJson json = new EventJson();
        List<Object[]> rows = new ArrayList<>(WARM_UP_BACKLOG);
        for (int i = 0; i < WARM_UP_BACKLOG; i++) {
            rows.add(columns(backlog.next(), json));
        }
        db.jdbc.batchUpdate(INSERT_EVENT, rows);
        awaitApplied(db, WARM_UP_BACKLOG, consumer);
        System.out.printf("end to end: warm-up backlog of %,d events applied in %.1f s%n", WARM_UP_BACKLOG,
                (System.nanoTime() - start) / 1e9);
        return backlog;
    }

    /** One writer: each transaction locks its order and inserts the stream's next event, as an orders service does. */
    private static PacedWriters.Writer writer(OrderLifecycles.Events events, long firstMeasured, Queue<Written> measured) {
        EventJson json = new EventJson();
        return (jdbc, transactions, index) -> {
            OrderLifecycles.Event next = events.next();
            Long xid = transactions.execute(status -> {
                PacedWriters.lockOrder(jdbc, next.event().orderId());
                return jdbc.queryForObject(INSERT_EVENT + " RETURNING xmin::text::bigint", Long.class, columns(next, json));
            });
            if (index >= firstMeasured) {
                measured.add(new Written(next.id(), xid));
            }
        };
    }

    /** The consumer's timers and counters ({@link ConsumerDrain#metrics}); none if interrupted. */
    private static Map<String, Double> consumerMetrics(ServiceProcess consumer) {
        try {
            return ConsumerDrain.metrics(List.of(consumer));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    /** The values of {@link #INSERT_EVENT}'s parameters for one event. */
    private static Object[] columns(OrderLifecycles.Event next, EventJson json) {
        OrderEvent event = next.event();
        EventType type = EventType.of(event);
        return new Object[] {next.id(), event.orderId(), type.typeName(), type.newestVersion(), json.writeString(event),
                OrderLifecycles.TRACEPARENT};
    }

    /** Waits until the consumer holds every partition of the topic: from then on it fetches events as they come. */
    private static void awaitAssigned(Admin admin, String group, ServiceProcess consumer) throws Exception {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.requireAlive("consumer");
            try {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (description.members().stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum()
                        == BenchmarkDatabase.PARTITIONS) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the consumer was not assigned the topic's partitions within " + READY);
    }

    /**
     * Waits until the read model holds {@code events} applied events, or {@link #TAIL} has passed:
     * the check that follows says what is missing.
     */
    private static void awaitApplied(BenchmarkDatabase db, long events, ServiceProcess consumer) throws InterruptedException {
        long deadline = System.nanoTime() + TAIL.toNanos();
        while (db.jdbc.queryForObject("SELECT count(*) FROM read_model.applied_event", Long.class) < events
                && System.nanoTime() < deadline) {
            consumer.requireAlive("consumer");
            Thread.sleep(50);
        }
    }

    /** The latencies of the measured events, in microseconds; throws unless every one of them was applied. */
    private static Histogram latencies(BenchmarkDatabase db, List<Written> measured) {
        Histogram histogram = new Histogram(Duration.ofSeconds(60).toNanos() / 1000, 3);
        db.jdbc.execute((ConnectionCallback<Void>) connection -> {
            try (PreparedStatement statement = connection.prepareStatement(LATENCIES)) {
                statement.setArray(1, connection.createArrayOf("uuid", measured.stream().map(Written::eventId).toArray()));
                statement.setArray(2, connection.createArrayOf("bigint", measured.stream().map(Written::xid).toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        histogram.recordValue(rows.getLong(1));
                    }
                }
            }
            return null;
        });
        if (histogram.getTotalCount() != measured.size()) {
            throw new IllegalStateException("end to end: " + histogram.getTotalCount() + " of the " + measured.size()
                    + " measured events found in read_model.applied_event");
        }
        return histogram;
    }
}
