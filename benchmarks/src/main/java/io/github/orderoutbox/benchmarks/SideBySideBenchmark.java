package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Issue 4's one command: every scenario, every peer, one run, one machine, fresh tables and topics
 * for each, and one table of the results.
 *
 * <ul>
 *   <li><b>floors</b>: the Kafka producer alone; Postgres committing the writer's transaction; COPY;</li>
 *   <li><b>drain</b> of a backlog: bare batch poller, naive poller, Debezium (defaults and tuned),
 *       the relay with 1, 2 and 4 instances;</li>
 *   <li><b>steady</b> load at each rate: commit-to-consume latency and CPU, relay and Debezium;</li>
 *   <li><b>e2e</b>, end to end at {@code e2e-rate}: writers commit valid order events, the relay
 *       publishes them, the consumer applies them to the read model in the same database; latency
 *       from the writer's commit to the read model's, and CPU of every process ({@link EndToEndLatency});</li>
 *   <li><b>history</b>: the relay's drain with published rows retained;</li>
 *   <li><b>skew</b>: a drain with 20 % of the events on 10 hot orders;</li>
 *   <li><b>consumer</b>: the consumer's drain of a topic of order events into the read model (Redis
 *       too), with 1, 2 and 4 instances and in its one-record-at-a-time mode ({@link ConsumerDrain}).</li>
 * </ul>
 *
 * Postgres (with {@code wal_level=logical}, for Debezium, and {@code track_commit_timestamp=on},
 * for the end-to-end latency; every peer runs on it), Kafka, Redis, the relays, the consumers and
 * Debezium are separate processes; the pollers, the writers and the latency consumer run in this
 * JVM. Results: {@code benchmarks/results/side-by-side-latest.md} and a time-stamped copy.
 *
 * <p>Arguments (all optional): {@code events=200000 orders=10000 naive-events=10000 drain-warmups=3 drain-repeats=5 instances=1,2,4
 * rates=1000,5000 steady-seconds=60 steady-peers=relay,debezium-tuned,debezium-defaults warmup-seconds=60 e2e-rate=1000
 * history=0,1000000,5000000 consumer-instances=1,2,4 consumer-per-record-events=20000
 * scenarios=floors,bare,naive,debezium,relay,steady,e2e,history,skew,consumer},
 * {@code relay.<setting>=<value>} for every relay, and {@code postgres.<setting>=<value>} for the
 * server, e.g. {@code postgres.session_preload_libraries=auto_explain postgres.auto_explain.log_min_duration=50}
 * to find slow plans in its log.
 */
public final class SideBySideBenchmark {

    private static final Path LOGS = Path.of("benchmarks", "results", "logs");
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    private final Map<String, String> options;
    private final int events;
    private final int orders;
    /** Unmeasured drains before the measured ones, and measured drains, per peer ({@code drain-warmups}, {@code drain-repeats}). */
    private final int drainWarmUps;
    private final int drainRepeats;
    private final Path relayJar;
    private final PostgresServer postgres;
    private final KafkaServer kafka;
    private final List<SideBySideRow> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private SideBySideBenchmark(Map<String, String> options, Path relayJar, PostgresServer postgres, KafkaServer kafka) {
        this.options = options;
        this.events = Integer.parseInt(options.get("events"));
        this.orders = Integer.parseInt(options.get("orders"));
        this.drainWarmUps = Integer.parseInt(options.get("drain-warmups"));
        this.drainRepeats = Integer.parseInt(options.get("drain-repeats"));
        this.relayJar = relayJar;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("events", "200000");
        options.put("orders", "10000");
        options.put("naive-events", "10000");
        options.put("drain-warmups", "3");
        options.put("drain-repeats", "5");
        options.put("instances", "1,2,4");
        options.put("rates", "1000,5000");
        options.put("steady-seconds", "60");
        options.put("steady-peers", "relay,debezium-tuned,debezium-defaults");
        options.put("warmup-seconds", "60");
        options.put("e2e-rate", "1000");
        options.put("history", "0,1000000,5000000");
        options.put("consumer-instances", "1,2,4");
        options.put("consumer-per-record-events", "20000");
        options.put("scenarios", "floors,bare,naive,debezium,relay,steady,e2e,history,skew,consumer");
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("arguments are name=value, not " + arg);
            }
            options.put(kv[0], kv[1]);
        }
        Path root = root();
        Path relayJar = RelayProcess.findJar(root);
        String loadAtStart = Machine.loadAverage();
        Instant started = Instant.now();

        List<String> report = new ArrayList<>();
        Map<String, String> serverSettings = new LinkedHashMap<>(Map.of("wal_level", "logical", "track_commit_timestamp", "on"));
        options.forEach((name, value) -> {
            if (name.startsWith("postgres.")) {
                serverSettings.put(name.substring("postgres.".length()), value);
            }
        });
        try (PostgresServer postgres = TestServers.startDedicatedPostgres(serverSettings);
             KafkaServer kafka = TestServers.startDedicatedKafka()) {
            SideBySideBenchmark run = new SideBySideBenchmark(options, relayJar, postgres, kafka);
            run.runScenarios(List.of(options.get("scenarios").split(",")));
            report.add("# Side by side: the relay, Debezium, pollers and floors, " + started);
            report.add("");
            report.add("Machine: " + Machine.describe() + "; load average " + loadAtStart + " at the start, "
                    + Machine.loadAverage() + " at the end (above the core count, processes wait for a CPU).");
            report.add("Servers: Postgres " + postgres.source() + " (" + serverSettings + ") on port "
                    + postgres.port() + ", Kafka " + kafka.source() + " at " + kafka.bootstrapServers()
                    + "; every process on this machine.");
            report.add("Settings: " + options);
            report.add("Took " + Duration.between(started, Instant.now()).toSeconds() + " s.");
            report.add("");
            report.addAll(run.table());
        }
        ResultFile.write(root, "side-by-side", report);
    }

    private void runScenarios(List<String> scenarios) throws Exception {
        boolean cdc = "logical".equals(setting("wal_level"));
        if (!cdc) {
            notes.add("Postgres has wal_level=" + setting("wal_level") + ", not logical (a server given by the environment?): "
                    + "the Debezium rows are missing.");
        }
        if (scenarios.contains("floors")) {
            floors();
        }
        if (scenarios.contains("bare")) {
            bare();
        }
        if (scenarios.contains("naive")) {
            naive();
        }
        if (scenarios.contains("debezium") && cdc) {
            for (DebeziumProcess.Setting setting : DebeziumProcess.Setting.values()) {
                debeziumDrain("drain", setting, db -> db.insertBacklog(events, orders));
            }
        }
        if (scenarios.contains("relay")) {
            for (int instances : ints("instances")) {
                relayDrain("drain", instances, Map.of(), db -> db.insertBacklog(events, orders));
            }
        }
        if (scenarios.contains("steady")) {
            List<Integer> rates = ints("rates");
            List<String> peers = List.of(options.get("steady-peers").split(","));
            for (int rate : rates) {
                if (peers.contains("relay")) {
                    steadyRelay(rate);
                }
                if (cdc && peers.contains("debezium-tuned")) {
                    steadyDebezium(rate, DebeziumProcess.Setting.TUNED);
                }
                if (cdc && peers.contains("debezium-defaults") && rate == rates.get(0)) {
                    steadyDebezium(rate, DebeziumProcess.Setting.DEFAULTS);
                }
            }
        }
        if (scenarios.contains("e2e")) {
            if ("on".equals(setting("track_commit_timestamp"))) {
                endToEnd();
            } else {
                notes.add("Postgres has track_commit_timestamp=off (a server given by the environment?): "
                        + "the end-to-end row is missing.");
            }
        }
        if (scenarios.contains("history")) {
            historyDrains(ints("history"));
        }
        if (scenarios.contains("skew")) {
            Consumer<BenchmarkDatabase> skewed = db -> SideBySideRows.insertSkewedBacklog(db, events, orders);
            relayDrain("drain, 20 % on 10 hot orders", 1, Map.of(), skewed);
            if (cdc) {
                for (DebeziumProcess.Setting setting : DebeziumProcess.Setting.values()) {
                    debeziumDrain("drain, 20 % on 10 hot orders", setting, skewed);
                }
            }
        }
        if (scenarios.contains("consumer")) {
            consumer();
        }
    }

    // ---- the consumer

    /**
     * The consumer's drains through {@link ConsumerDrain}, as its own benchmark runs them: a topic
     * of realistic order lifecycles produced once (untimed), a 50,000-event warm-up applied before
     * the clock runs, the read model checked after each drain.
     */
    private void consumer() throws Exception {
        Path jar = consumerJar();
        int perRecordEvents = Integer.parseInt(options.get("consumer-per-record-events"));
        int warmUp = 50_000;
        try (RedisServer redis = TestServers.startDedicatedRedis()) {
            EventTopic perPoll;
            EventTopic perRecord;
            try (KafkaProducer<byte[], byte[]> producer = Producers.loader(kafka.bootstrapServers())) {
                perPoll = consumerTopic(producer, "per-poll", warmUp, events, orders);
                // The slower mode drains fewer events, with its warm-up and orders in progress in proportion.
                double share = (double) perRecordEvents / events;
                perRecord = consumerTopic(producer, "per-record", (int) (warmUp * share), perRecordEvents,
                        Math.max(100, (int) (orders * share)));
            }
            for (int instances : ints("consumer-instances")) {
                ConsumerRun run = new ConsumerDrain(postgres, kafka, redis, jar, List.of("-Xmx512m"), instances)
                        .run(perPoll, "side-by-side-per-poll", instances, Map.of("consumer.mode", "PER_POLL"));
                System.out.println(run);
                add(new SideBySideRow("consumer drain", "event-consumer x" + instances + ", per poll (default)", run.events(),
                        run.eventsPerSecond(), null, "consumer", run.cpu()));
            }
            ConsumerRun run = new ConsumerDrain(postgres, kafka, redis, jar, List.of("-Xmx512m"), 1)
                    .run(perRecord, "side-by-side-per-record", 1, Map.of("consumer.mode", "PER_RECORD"));
            System.out.println(run);
            add(new SideBySideRow("consumer drain", String.format("event-consumer x1, one record at a time (%,d events)",
                    perRecordEvents), run.events(), run.eventsPerSecond(), null, "consumer", run.cpu()));
        }
    }

    private static Path consumerJar() throws java.io.IOException {
        return ServiceProcess.findJar(root(), "event-consumer");
    }

    private EventTopic consumerTopic(KafkaProducer<byte[], byte[]> producer, String mode, int warmUp, int count, int openOrders) {
        String name = "orders.events.side-by-side-consumer-" + mode + "-" + System.currentTimeMillis();
        kafka.createTopic(name, BenchmarkDatabase.PARTITIONS);
        ReadModelCounts expected = new OrderLifecycles("order-", openOrders, 1).send(producer, name, 0, warmUp + count);
        return new EventTopic(name, warmUp, warmUp + count, warmUp + count, expected);
    }

    // ---- floors and in-harness pollers

    private void floors() throws Exception {
        DrainResult producer = ProducerFloor.run(kafka, events, orders);
        add(SideBySideRow.drain("floor", "Kafka producer alone (same records, idempotent, acks=all)", producer, null, Map.of()));
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "floor_commit")) {
            DrainResult commits = PostgresFloors.commitRate(db, events, Duration.ofSeconds(30));
            add(SideBySideRow.drain("floor", "Postgres, writer transactions (4 writers, at most 30 s)", commits, null, Map.of()));
        }
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "floor_copy")) {
            add(SideBySideRow.drain("floor", "Postgres, COPY into the outbox", PostgresFloors.copyRate(db, events, orders), null,
                    Map.of()));
        }
    }

    private void bare() throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "bare")) {
            db.insertBacklog(events, orders);
            var before = ExitedBackendsCpu.snapshot(Map.of());
            DrainResult drain = BarePoller.drain(db, 5000);
            add(SideBySideRow.drain("drain", "bare batch poller, no guarantees (in the harness)", drain, "harness",
                    ProcessCpu.used(before, ExitedBackendsCpu.snapshot(Map.of()))));
        }
    }

    private void naive() throws Exception {
        int naiveEvents = Integer.parseInt(options.get("naive-events"));
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "naive")) {
            db.insertBacklog(naiveEvents, orders);
            db.jdbc.execute("ANALYZE outbox");
            var before = ExitedBackendsCpu.snapshot(Map.of());
            Duration elapsed = NaivePoller.drain(db);
            add(SideBySideRow.drain("drain", String.format("naive poller: 100 rows / 100 ms, sync send + UPDATE per row (%,d events)",
                    naiveEvents), new DrainResult("naive", naiveEvents, elapsed, null), "harness",
                    ProcessCpu.used(before, ExitedBackendsCpu.snapshot(Map.of()))));
        }
    }

    // ---- drains by separate processes

    private void relayDrain(String scenario, int instances, Map<String, String> extra, Consumer<BenchmarkDatabase> backlog)
            throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "relay")) {
            List<RelayProcess> relays = new ArrayList<>();
            try {
                for (int i = 0; i < instances; i++) {
                    relays.add(RelayProcess.start(relayJar, db, relaySettings(extra), LOGS.resolve("side-by-side-relay-" + i + ".log")));
                }
                for (RelayProcess relay : relays) {
                    relay.awaitReady(Duration.ofSeconds(120));
                }
                RelayDrain.awaitBalanced(db, instances);
                Map<Long, String> pids = new LinkedHashMap<>();
                relays.forEach(relay -> pids.put(relay.pid(), "relay"));
                String label = relayLabel(instances, extra);
                add(drain(scenario, label, db, pids, "relay", backlog, () -> { }));
                for (RelayProcess relay : relays) {
                    System.out.println("relay phases: " + relay.phases());
                }
            } finally {
                for (RelayProcess relay : relays) {
                    relay.close();
                }
            }
        }
    }

    /**
     * The relay's drain with published rows kept (a retention longer than the run, so the history
     * stays in the table): one database and one relay per history size, all prepared first, then
     * their warm-ups and measured drains taking turns, so every size is measured in the same state
     * of the machine. Measured one after the other, the drains after the 5-million-row load were
     * slower for Kafka too, whose work does not depend on the outbox: on this virtual machine,
     * page cache written for the first time after a while costs several times more
     * ({@code copy_folio_from_iter_atomic}, see docs/benchmarks.md).
     */
    private void historyDrains(List<Integer> histories) throws Exception {
        Map<String, String> keeping = Map.of("relay.retention", "30d");
        List<BenchmarkDatabase> databases = new ArrayList<>();
        List<RelayProcess> relays = new ArrayList<>();
        List<DrainSeries> series = new ArrayList<>();
        try {
            for (int history : histories) {
                BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "relay");
                databases.add(db);
                if (history > 0) {
                    SideBySideRows.insertPublishedHistory(db, history, orders);
                }
            }
            for (int i = 0; i < histories.size(); i++) {
                relays.add(RelayProcess.start(relayJar, databases.get(i), relaySettings(keeping),
                        LOGS.resolve("side-by-side-history-relay-" + i + ".log")));
            }
            for (int i = 0; i < histories.size(); i++) {
                relays.get(i).awaitReady(Duration.ofSeconds(120));
                RelayDrain.awaitBalanced(databases.get(i), 1);
                series.add(new DrainSeries(String.format("drain, %,d published rows kept", histories.get(i)), relayLabel(1, keeping),
                        databases.get(i), Map.of(relays.get(i).pid(), "relay"), "relay", db -> db.insertBacklog(events, orders),
                        () -> { }));
            }
            takeTurns(series);
            for (DrainSeries drains : series) {
                add(drains.row());
            }
            notes.add("The history drains took turns: " + histories.stream().map(h -> String.format("%,d", h))
                    .collect(java.util.stream.Collectors.joining(", ")) + " rows kept, then again, each with a relay of its own.");
        } finally {
            for (DrainSeries drains : series) {
                drains.close();
            }
            for (RelayProcess relay : relays) {
                relay.close();
            }
            for (BenchmarkDatabase db : databases) {
                db.close();
            }
        }
    }

    private void debeziumDrain(String scenario, DebeziumProcess.Setting setting, Consumer<BenchmarkDatabase> backlog)
            throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "debezium");
             DebeziumProcess debezium = DebeziumProcess.start(db, setting, LOGS.resolve("side-by-side-debezium.log"))) {
            debezium.awaitStreaming(Duration.ofSeconds(120));
            add(drain(scenario, setting.label(), db, Map.of(debezium.pid(), "debezium"), "debezium", backlog,
                    debezium::requireAlive));
        }
    }

    /**
     * A drain by peers already running on {@code db}: first {@code drain-warmups} warm-up backlogs of
     * the same size (so the measured drains run on compiled code, as a publisher that has been up a
     * while does: after one warm-up, the relay's three drains still went from 9.1 to 7.4 to 5.8 ms of
     * its CPU per 1,000 events, 81,061 to 103,252 events/s), then the measured backlog
     * {@code drain-repeats} times, each committed in one transaction, each clocked from that commit
     * until Kafka holds the last of its events. The row gives the median rate and, per process
     * group, the median CPU of those drains: one drain lasts two to five seconds.
     */
    private SideBySideRow drain(String scenario, String label, BenchmarkDatabase db, Map<Long, String> pids, String peerGroup,
                                Consumer<BenchmarkDatabase> backlog, Runnable alive) throws Exception {
        try (DrainSeries series = new DrainSeries(scenario, label, db, pids, peerGroup, backlog, alive)) {
            takeTurns(List.of(series));
            return series.row();
        }
    }

    /** The warm-ups, then the measured drains, of every series, one drain of each in turn. */
    private void takeTurns(List<DrainSeries> series) throws Exception {
        for (int warmUp = 0; warmUp < drainWarmUps; warmUp++) {
            for (DrainSeries drains : series) {
                drains.warmUp();
            }
        }
        for (int drained = 0; drained < drainRepeats; drained++) {
            for (DrainSeries drains : series) {
                drains.measure();
            }
        }
    }

    /** The drains of one peer on one database, one at a time, so that the drains of several peers can take turns. */
    private final class DrainSeries implements AutoCloseable {
        private final String scenario;
        private final String label;
        private final BenchmarkDatabase db;
        private final Map<Long, String> pids;
        private final String peerGroup;
        private final Consumer<BenchmarkDatabase> backlog;
        private final Runnable alive;
        private final TopicProgress topic;
        private final List<SideBySideRow> drains = new ArrayList<>();
        private final List<Duration> elapsedTimes = new ArrayList<>();
        private final Map<String, List<Duration>> cpuByGroup = new TreeMap<>();
        private long backlogs;
        private long checkpoints;
        private long vacuums;

        DrainSeries(String scenario, String label, BenchmarkDatabase db, Map<Long, String> pids, String peerGroup,
                    Consumer<BenchmarkDatabase> backlog, Runnable alive) {
            this.scenario = scenario;
            this.label = label;
            this.db = db;
            this.pids = pids;
            this.peerGroup = peerGroup;
            this.backlog = backlog;
            this.alive = alive;
            this.topic = new TopicProgress(kafka.bootstrapServers(), db.topic);
        }

        void warmUp() throws Exception {
            backlog.accept(db);
            topic.await(++backlogs * events, DRAIN_TIMEOUT, alive);
        }

        void measure() throws Exception {
            // CPU from before the backlog's INSERT: the same statement for every peer, and Postgres's
            // logical decoding (for Debezium) already works while the transaction is open.
            var before = ExitedBackendsCpu.snapshot(pids);
            long checkpointsBefore = checkpoints(db);
            long vacuumsBefore = outboxVacuums(db);
            backlog.accept(db);
            long start = System.nanoTime();
            topic.await(++backlogs * events, DRAIN_TIMEOUT, alive);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            var cpu = ProcessCpu.used(before, ExitedBackendsCpu.snapshot(pids));
            checkpoints += checkpoints(db) - checkpointsBefore;
            vacuums += outboxVacuums(db) - vacuumsBefore;
            drains.add(SideBySideRow.drain(scenario, label, new DrainResult(label, events, elapsed, null), peerGroup, cpu));
            elapsedTimes.add(elapsed);
            cpu.forEach((group, used) -> cpuByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(used));
        }

        /** The row of the measured drains: the median rate and each group's median CPU; the single drains go to the notes. */
        SideBySideRow row() {
            // Background work inside the windows is counted to the rows: say when there was some. A
            // checkpoint makes the next change of each page write the whole page to the WAL, and
            // autovacuum of the outbox cleans what a poller deleted (nothing, for CDC).
            notes.add(String.format("%s, %s: %s events/s (%s's CPU ms per 1,000 events) in %d drains, the median reported; "
                            + "%d checkpoint(s) began and %d autovacuum(s) of the outbox completed during them.", scenario, label,
                    drains.stream().map(d -> String.format("%,.0f (%.1f)", d.eventsPerSecond(), d.peerCpuPerThousand()))
                            .collect(java.util.stream.Collectors.joining(", ")),
                    peerGroup, drains.size(), checkpoints, vacuums));
            Map<String, Duration> medianCpu = new TreeMap<>();
            cpuByGroup.forEach((group, used) -> medianCpu.put(group, median(used)));
            return SideBySideRow.drain(scenario, label, new DrainResult(label, events, median(elapsedTimes), null), peerGroup, medianCpu);
        }

        @Override
        public void close() {
            topic.close();
        }
    }

    private static Duration median(List<Duration> values) {
        return values.stream().sorted().toList().get((values.size() - 1) / 2);
    }

    // ---- steady load

    private void steadyRelay(int rate) throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "steady_relay");
             RelayProcess relay = RelayProcess.start(relayJar, db, relaySettings(Map.of()), LOGS.resolve("side-by-side-steady-relay.log"))) {
            relay.awaitReady(Duration.ofSeconds(120));
            add(steady(rate, relayLabel(1, Map.of()), db, Map.of(relay.pid(), "relay"), "relay"));
        }
    }

    private void steadyDebezium(int rate, DebeziumProcess.Setting setting) throws Exception {
        try (BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "steady_debezium");
             DebeziumProcess debezium = DebeziumProcess.start(db, setting, LOGS.resolve("side-by-side-steady-debezium.log"))) {
            debezium.awaitStreaming(Duration.ofSeconds(120));
            add(steady(rate, setting.label(), db, Map.of(debezium.pid(), "debezium"), "debezium"));
        }
    }

    private SideBySideRow steady(int rate, String label, BenchmarkDatabase db, Map<Long, String> pids, String peerGroup)
            throws Exception {
        Duration warmup = seconds("warmup-seconds");
        Duration measured = seconds("steady-seconds");
        // CPU from the end of the warm-up, as latencies are: start-up and compilation are not what is compared.
        var before = new java.util.concurrent.atomic.AtomicReference<Map<String, Duration>>();
        LatencyResult latency = SteadyLatency.measure(db, rate, warmup, measured, label,
                () -> before.set(ExitedBackendsCpu.snapshot(pids)));
        var cpu = ProcessCpu.used(before.get(), ExitedBackendsCpu.snapshot(pids));
        long measuredEvents = measured.toSeconds() * rate;
        return new SideBySideRow(String.format("steady %,d/s, %d s", rate, measured.toSeconds()), label, measuredEvents,
                latency.achievedRate(), latency.micros(), peerGroup, cpu);
    }

    // ---- end to end

    /**
     * The relay and the consumer, one of each with their defaults, on one database that holds the
     * outbox and the read model, with a Redis of their own; writers at {@code e2e-rate} for
     * {@code steady-seconds} after the warm-up ({@link EndToEndLatency}). The relay is the peer;
     * the consumer has a column of its own.
     */
    private void endToEnd() throws Exception {
        int rate = Integer.parseInt(options.get("e2e-rate"));
        Duration measured = seconds("steady-seconds");
        try (RedisServer redis = TestServers.startDedicatedRedis();
             BenchmarkDatabase db = BenchmarkDatabase.create(postgres, kafka, "e2e")) {
            EndToEndLatency.Result result = EndToEndLatency.run(db, redis, relayJar, relaySettings(Map.of()), consumerJar(), rate,
                    seconds("warmup-seconds"), measured, LOGS);
            System.out.println(result.latency());
            add(new SideBySideRow(String.format("end to end %,d/s, %d s", rate, measured.toSeconds()),
                    relayLabel(1, Map.of()) + "; event-consumer x1, per poll, defaults", measured.toSeconds() * rate,
                    result.latency().achievedRate(), result.latency().micros(), "relay", result.cpu()));
            if (!result.note().isEmpty()) {
                notes.add("end to end: " + result.note() + ".");
            }
        }
    }

    // ---- the table and the comparisons

    private List<String> table() {
        List<String> out = new ArrayList<>();
        double floor = find("floor", "Kafka producer").map(SideBySideRow::eventsPerSecond).orElse(Double.NaN);
        out.add(SideBySideRow.HEADER);
        out.add(SideBySideRow.SEPARATOR);
        rows.forEach(row -> out.add(row.row(floor)));
        out.add("");
        out.add("CPU ms/1k: milliseconds of CPU per 1,000 events, per process group: the peer (relay JVMs, the Debezium JVM, "
                + "the consumer JVMs in the consumer drains, or this harness for the pollers, which run in it), the consumer JVM "
                + "where it runs beside the relay (end to end), Postgres (postmaster and all backends, WAL sender included), "
                + "the Kafka broker, Redis (the consumer's). Drain rows: Postgres's CPU includes the INSERT of the backlog (the same for every peer). Steady rows: CPU from the end of the warm-up to the last event consumed, per event written in that time; events/s is the writers' achieved rate.");
        out.add("");
        out.add("End to end: writers commit valid order events, the relay publishes them, the consumer applies them to the "
                + "read model in the same database; latency from the writer's commit to the commit of the consumer's "
                + "transaction that applied the event (both Postgres commit timestamps, one clock); CPU as in the steady rows, "
                + "until the read model held every event; checked: every event applied once, none dead-lettered.");
        out.add("");
        Optional<SideBySideRow> relay = find("drain", "outbox-relay x1,");
        Optional<SideBySideRow> debezium = rows.stream().filter(r -> r.scenario().equals("drain") && r.peer().startsWith("Debezium"))
                .max((a, b) -> Double.compare(a.eventsPerSecond(), b.eventsPerSecond()));
        if (relay.isPresent() && debezium.isPresent()) {
            out.add(String.format("drain ratio vs Debezium: %.2f (relay x1 %,.0f events/s ÷ best Debezium %,.0f, \"%s\")",
                    relay.get().eventsPerSecond() / debezium.get().eventsPerSecond(), relay.get().eventsPerSecond(),
                    debezium.get().eventsPerSecond(), debezium.get().peer()));
            out.add("");
            out.add(String.format("relay CPU ÷ Debezium CPU (drain, per 1,000 events, the peer process alone): %.2f "
                            + "(%.1f ms ÷ %.1f ms); with Postgres's CPU added to each: %.2f",
                    relay.get().peerCpuPerThousand() / debezium.get().peerCpuPerThousand(), relay.get().peerCpuPerThousand(),
                    debezium.get().peerCpuPerThousand(),
                    (relay.get().peerCpuPerThousand() + relay.get().cpuPerThousand("postgres"))
                            / (debezium.get().peerCpuPerThousand() + debezium.get().cpuPerThousand("postgres"))));
            out.add("");
        }
        if (relay.isPresent() && !Double.isNaN(floor)) {
            out.add(String.format("relay x1 drain as a fraction of the Kafka producer floor: %.0f %%",
                    100 * relay.get().eventsPerSecond() / floor));
            out.add("");
        }
        for (String rate : options.get("rates").split(",")) {
            Optional<SideBySideRow> relaySteady = rows.stream().filter(r -> r.scenario().startsWith(String.format("steady %,d/s",
                    Integer.parseInt(rate))) && r.peerGroup().equals("relay")).findFirst();
            Optional<SideBySideRow> tuned = rows.stream().filter(r -> r.scenario().startsWith(String.format("steady %,d/s",
                    Integer.parseInt(rate))) && r.peer().equals(DebeziumProcess.Setting.TUNED.label())).findFirst();
            if (relaySteady.isPresent() && tuned.isPresent()) {
                out.add(String.format("p99 at %s events/s: relay %.1f ms, Debezium tuned %.1f ms; CPU per 1,000 events: relay %.1f ms, "
                                + "Debezium tuned %.1f ms (ratio %.2f)", rate, relaySteady.get().percentileMillis(99),
                        tuned.get().percentileMillis(99), relaySteady.get().peerCpuPerThousand(), tuned.get().peerCpuPerThousand(),
                        relaySteady.get().peerCpuPerThousand() / tuned.get().peerCpuPerThousand()));
                out.add("");
            }
        }
        List<SideBySideRow> history = rows.stream().filter(r -> r.scenario().contains("published rows kept")).toList();
        if (history.size() > 1) {
            SideBySideRow none = history.get(0);
            SideBySideRow most = history.get(history.size() - 1);
            out.add(String.format("history: drain with %s ÷ drain with %s: %.2f", most.scenario().replace("drain, ", ""),
                    none.scenario().replace("drain, ", ""), most.eventsPerSecond() / none.eventsPerSecond()));
            out.add("");
        }
        rows.stream().filter(r -> r.scenario().startsWith("end to end")).forEach(e2e -> {
            out.add(String.format("end to end at %s events/s: p99 %.1f ms (writer commit to read-model commit); CPU per 1,000 "
                            + "events: relay %.1f ms, consumer %.1f ms, Postgres %.1f ms, Kafka %.1f ms, Redis %.1f ms",
                    options.get("e2e-rate"), e2e.percentileMillis(99), e2e.peerCpuPerThousand(), e2e.cpuPerThousand("consumer"),
                    e2e.cpuPerThousand("postgres"), e2e.cpuPerThousand("kafka"), e2e.cpuPerThousand("redis")));
            out.add("");
        });
        Optional<SideBySideRow> consumerPerPoll = find("consumer drain", "event-consumer x1, per poll");
        Optional<SideBySideRow> consumerPerRecord = find("consumer drain", "event-consumer x1, one record");
        if (consumerPerPoll.isPresent() && consumerPerRecord.isPresent()) {
            out.add(String.format("consumer x1 drain ÷ one record at a time: %.1f (%,.0f ÷ %,.0f events/s)",
                    consumerPerPoll.get().eventsPerSecond() / consumerPerRecord.get().eventsPerSecond(),
                    consumerPerPoll.get().eventsPerSecond(), consumerPerRecord.get().eventsPerSecond()));
            out.add("");
        }
        notes.forEach(note -> {
            out.add(note);
            out.add("");
        });
        return out;
    }

    private Optional<SideBySideRow> find(String scenario, String peerPrefix) {
        return rows.stream().filter(r -> r.scenario().equals(scenario) && r.peer().startsWith(peerPrefix)).findFirst();
    }

    private void add(SideBySideRow row) {
        rows.add(row);
        System.out.println(row + "   (load average " + Machine.loadAverage() + ")");
    }

    private Map<String, String> relaySettings(Map<String, String> extra) {
        Map<String, String> settings = new LinkedHashMap<>();
        options.forEach((key, value) -> {
            if (key.startsWith("relay.")) {
                settings.put(key, value);
            }
        });
        settings.putAll(extra);
        return settings;
    }

    /** "outbox-relay x2, defaults", or with the settings that differ from the defaults. */
    private String relayLabel(int instances, Map<String, String> extra) {
        Map<String, String> settings = relaySettings(extra);
        return "outbox-relay x" + instances + (settings.isEmpty() ? ", defaults" : ", " + settings);
    }

    private static Path root() {
        return Path.of(System.getProperty("benchmark.root", ".")).toAbsolutePath().normalize();
    }

    /** Checkpoints Postgres has begun since it started, timed or requested (Postgres 17's counters). */
    private static long checkpoints(BenchmarkDatabase db) {
        return db.jdbc.queryForObject("SELECT num_timed + num_requested FROM pg_stat_checkpointer", Long.class);
    }

    /** Autovacuum runs of the outbox table completed so far (one still running is not counted). */
    private static long outboxVacuums(BenchmarkDatabase db) {
        return db.jdbc.queryForObject("SELECT coalesce(sum(autovacuum_count), 0) FROM pg_stat_user_tables WHERE relname = 'outbox'",
                Long.class);
    }

    private Duration seconds(String option) {
        return Duration.ofSeconds(Long.parseLong(options.get(option)));
    }

    private List<Integer> ints(String option) {
        String value = options.get(option);
        return value.isBlank() ? List.of() : Arrays.stream(value.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private String setting(String name) {
        return new org.springframework.jdbc.core.JdbcTemplate(postgres.dataSource(postgres.adminDatabase()))
                .queryForObject("SHOW " + name, String.class);
    }
}
