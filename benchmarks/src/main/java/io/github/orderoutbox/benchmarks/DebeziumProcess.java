package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link DebeziumOutboxRelay} as its own JVM, on the harness's class path, capturing one
 * benchmark database's outbox into its topic through a replication slot of its own.
 *
 * <p>The slot is created when the engine starts, with {@code snapshot.mode=no_data}: the engine
 * reads nothing already in the table and streams every change committed after the slot exists.
 * The drains therefore start Debezium first and commit the backlog after, which is how CDC meets
 * a backlog in production (the rows were written while it ran, or while it was down with its slot
 * holding the WAL); a snapshot of rows already in the table is a different, one-off code path.
 */
final class DebeziumProcess implements AutoCloseable {

    /** The two settings compared: Debezium's defaults, and tuned for latency. */
    enum Setting {
        /** {@code poll.interval.ms=500}, {@code max.batch.size=2048}: what a team gets without tuning. */
        DEFAULTS(Map.of()),
        /**
         * Polls its queue every 10 ms, the "tuned for latency". An earlier run also capped
         * {@code max.batch.size} at 256: that cost Debezium throughput (42,608 against 47,097
         * events/s drained, minutes apart) and bought no latency, so the batch size stays its own.
         */
        TUNED(Map.of("poll.interval.ms", "10"));

        final Map<String, String> properties;

        Setting(Map<String, String> properties) {
            this.properties = properties;
        }

        String label() {
            return this == DEFAULTS ? "Debezium, defaults" : "Debezium, poll.interval.ms=10";
        }
    }

    private final Process process;
    private final BenchmarkDatabase db;
    private final String slot;

    private DebeziumProcess(Process process, BenchmarkDatabase db, String slot) {
        this.process = process;
        this.db = db;
        this.slot = slot;
    }

    static DebeziumProcess start(BenchmarkDatabase db, Setting setting, Path log) throws IOException {
        String slot = "bench_" + Long.toHexString(System.nanoTime());
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("name", "outbox-benchmark");
        properties.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // Offsets in memory: each run starts from a fresh slot, and nothing outlives the process.
        properties.put("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        properties.put("database.hostname", db.postgres.host());
        properties.put("database.port", Integer.toString(db.postgres.port()));
        properties.put("database.user", db.postgres.adminUser());
        properties.put("database.password", db.postgres.adminPassword());
        properties.put("database.dbname", db.database);
        properties.put("topic.prefix", "bench");
        properties.put("plugin.name", "pgoutput");
        properties.put("slot.name", slot);
        properties.put("slot.drop.on.stop", "true");
        properties.put("publication.name", slot);
        properties.put("publication.autocreate.mode", "filtered"); // the outbox table only
        properties.put("table.include.list", "public.outbox");
        properties.put("snapshot.mode", "no_data");
        // An outbox is insert-only for CDC: the rows' later updates and deletes are not events.
        properties.put("skipped.operations", "u,d,t");
        properties.put("tombstones.on.delete", "false");
        properties.put("transforms", "outbox");
        properties.put("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        properties.put("transforms.outbox.table.field.event.id", "event_id");
        properties.put("transforms.outbox.table.field.event.key", "aggregate_id");
        properties.put("transforms.outbox.table.field.event.payload", "payload");
        properties.put("transforms.outbox.route.by.field", "aggregate_type");
        properties.put("transforms.outbox.route.topic.replacement", db.topic); // one fixed topic, as the relay's
        // The columns the relay turns into headers, as headers too, so both write records of a kind.
        properties.put("transforms.outbox.table.fields.additional.placement", String.join(",",
                "event_id:header:ce_id", "event_type:header:ce_type", "event_version:header:ce_eventversion",
                "aggregate_type:header:ce_aggregatetype", "aggregate_id:header:ce_subject", "id:header:ce_outboxposition",
                "created_at:header:ce_time", "headers:header:outbox_headers"));
        properties.putAll(setting.properties);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(ServiceProcess.profilerOptions(log));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), DebeziumOutboxRelay.class.getName()));
        command.add("kafka.bootstrap.servers=" + db.kafka.bootstrapServers());
        properties.forEach((key, value) -> command.add(key + "=" + value));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new DebeziumProcess(process, db, slot);
    }

    /** Fails if the engine's JVM has exited. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("Debezium exited with " + process.exitValue() + "; see its log");
        }
    }

    /** Waits until the engine holds its replication slot: from then on every committed insert reaches it. */
    void awaitStreaming(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            requireAlive();
            Boolean active = db.jdbc.query("SELECT active FROM pg_replication_slots WHERE slot_name = ?",
                    rs -> rs.next() ? rs.getBoolean(1) : Boolean.FALSE, slot);
            if (Boolean.TRUE.equals(active)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Debezium did not start streaming within " + timeout);
    }

    long pid() {
        return process.pid();
    }

    /** SIGTERM (the engine stops and drops its slot), SIGKILL after 30 s; a slot left behind is dropped here. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        // A slot nobody reads keeps WAL for ever and would slow the scenarios after this one.
        db.jdbc.query("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ? AND NOT active",
                rs -> null, slot);
    }
}
