package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.EventConsumerApplication;
import io.github.orderoutbox.testsupport.TestServers;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code replay --from=...} rebuilds the orders touched since then from the topic, past
 * deduplication, and ends with the read model the first run made: the same rows, the same
 * applied-event records, the consumer group's offsets untouched.
 */
class ReplayIT {

    private ConsumerFixture fixture;
    private OrderEvents events;

    @BeforeEach
    void setUp() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        events = new OrderEvents(fixture.topic);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void rebuildsTheSameReadModelFromBeforeTheFirstEvent() {
        Instant from = Instant.now().minusSeconds(1);
        List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 40);
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        applyAllThenStop(records.size());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        List<String> applied = appliedEvents();
        Map<String, Instant> updated = updatedAt();

        Run run = replay("--from=" + from);

        assertThat(run.exit()).as(run.output()).isZero();
        // 40 orders, every fifth cancelled after being paid: 32 x 4 + 8 x 3 events.
        assertThat(run.lines()).contains(
                "replay: pass 1 done: 152 records read, 40 orders touched",
                "replay: re-applied 152 of 152 recorded events (0 duplicates, 0 dead-lettered, 0 parked)",
                "replay: read model: 0 order rows, 0 line rows and 0 customer rows differ from before the replay",
                "replay: committed");
        assertThat(run.lines()).anyMatch(line -> line.startsWith("replay: rebuilding 40 orders from 152 recorded events: "));
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);
        assertThat(appliedEvents()).isEqualTo(applied);
        // Rebuilt, not left alone: every order row was written again.
        updatedAt().forEach((orderId, at) -> assertThat(at).as(orderId).isAfter(updated.get(orderId)));
    }

    @Test
    void rebuildsOrdersWithEventsOnBothSidesFromTheirFirstEventAndLeavesTheOthers() {
        TwoGroups sent = sendTwoGroups();
        applyAllThenStop(sent.total());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        List<String> applied = appliedEvents();
        Map<String, Instant> updated = updatedAt();

        Run run = replay("--from=" + sent.from());

        assertThat(run.exit()).as(run.output()).isZero();
        long touchedEvents = sent.countOf(key -> key.startsWith("a-") || key.startsWith("c-"));
        assertThat(run.lines()).contains(
                "replay: pass 1 done: " + sent.second().size() + " records read, 18 orders touched",
                "replay: re-applied " + touchedEvents + " of " + touchedEvents
                        + " recorded events (0 duplicates, 0 dead-lettered, 0 parked)",
                "replay: read model: 0 order rows, 0 line rows and 0 customer rows differ from before the replay",
                "replay: committed");
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);
        assertThat(appliedEvents()).isEqualTo(applied);
        Map<String, Instant> after = updatedAt();
        after.forEach((orderId, at) -> {
            if (orderId.startsWith("b-")) {
                assertThat(at).as("untouched " + orderId).isEqualTo(updated.get(orderId));
            } else {
                assertThat(at).as("rebuilt " + orderId).isAfter(updated.get(orderId));
            }
        });
    }

    @Test
    void repairsACorruptedReadModel() {
        TwoGroups sent = sendTwoGroups();
        applyAllThenStop(sent.total());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        List<String> applied = appliedEvents();
        corrupt();
        assertThat(ReadModel.snapshot(fixture.jdbc)).isNotEqualTo(readModel);

        Run run = replay("--from=" + sent.from());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.lines()).contains(
                "replay: read model: 3 order rows, 3 line rows and 1 customer row differ from before the replay"
                        + " (orders a-1, a-2, c-1, c-3)",
                "replay: committed");
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);
        assertThat(appliedEvents()).isEqualTo(applied);
    }

    @Test
    void dryRunChangesNothingAndShowsWhatWouldChange() {
        TwoGroups sent = sendTwoGroups();
        applyAllThenStop(sent.total());
        corrupt();
        List<String> corrupted = ReadModel.snapshot(fixture.jdbc);
        List<String> applied = appliedEvents();
        Map<String, Instant> updated = updatedAt();
        List<String> customersUpdated = fixture.jdbc.queryForList(
                "SELECT customer_id || ' ' || updated_at FROM read_model.customer_summary ORDER BY 1", String.class);
        long redisKeys = redisKeyCount();

        Run run = replay("--from=" + sent.from(), "--dry-run");

        assertThat(run.exit()).as(run.output()).isZero();
        long touchedEvents = sent.countOf(key -> key.startsWith("a-") || key.startsWith("c-"));
        assertThat(run.lines()).first().asString().endsWith(", dry run: nothing will be changed");
        assertThat(run.lines()).anyMatch(line -> line.matches("replay: pass 1 partition \\d: .* records, .* orders touched so far, .* rec/s"));
        assertThat(run.lines()).anyMatch(line -> line.matches("replay: pass 2 partition \\d: .* records, .* applied, .* ev/s"));
        assertThat(run.lines()).contains(
                "replay: would re-apply " + touchedEvents + " of " + touchedEvents
                        + " recorded events (0 duplicates, 0 dead-lettered, 0 parked)",
                "replay: read model: 3 order rows, 3 line rows and 1 customer row would differ from before the replay"
                        + " (orders a-1, a-2, c-1, c-3)",
                "replay: dry run: rolled back; nothing was changed");
        assertThat(run.lines()).noneMatch(line -> line.equals("replay: committed"));
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(corrupted);
        assertThat(appliedEvents()).isEqualTo(applied);
        assertThat(updatedAt()).isEqualTo(updated);
        assertThat(fixture.jdbc.queryForList(
                "SELECT customer_id || ' ' || updated_at FROM read_model.customer_summary ORDER BY 1", String.class))
                .isEqualTo(customersUpdated);
        assertThat(redisKeyCount()).isEqualTo(redisKeys);
    }

    @Test
    void isRefusedWhileAConsumerOfTheGroupRunsUnlessForced() {
        List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 10);
        Instant from = Instant.now().minusSeconds(1);
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        ConfigurableApplicationContext live = fixture.startConsumer();
        awaitApplied(records.size());
        awaitCommitted(records.size());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        Map<String, Instant> updated = updatedAt();

        Run refused = replay("--from=" + from);

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.lines()).hasSize(1);
        assertThat(refused.lines().get(0)).startsWith("replay: refused: consumer group '" + fixture.group
                + "' has 1 active member(s) (").endsWith("Stop the consumers, or give --force to replay anyway.");
        assertThat(updatedAt()).isEqualTo(updated);

        Run forced = replay("--from=" + from, "--force");

        assertThat(forced.exit()).as(forced.output()).isZero();
        assertThat(forced.lines().get(0)).startsWith("replay: --force: replaying although consumer group '"
                + fixture.group + "' has 1 active member(s)");
        assertThat(forced.lines()).contains("replay: committed");
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);
        live.close();
    }

    @Test
    void aConsumerRestartedAfterAReplayAppliesNothingTwice() {
        Instant from = Instant.now().minusSeconds(1);
        List<ProducerRecord<byte[], byte[]>> records = events.lifecycles("o-", 30);
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        applyAllThenStop(records.size());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);

        Run run = replay("--from=" + from);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(records.size());

        // Every record again (a relay's republish) and the first events of new orders of another customer.
        List<ProducerRecord<byte[], byte[]>> more = new ArrayList<>();
        records.forEach(record -> more.add(OrderEvents.again(record)));
        for (int i = 0; i < 5; i++) {
            more.add(events.record(OrderEvents.placed("n-" + i, "c-new")));
            more.add(events.record(OrderEvents.paid("n-" + i)));
        }
        Kafka.send(fixture.kafka.bootstrapServers(), more);
        fixture.startConsumer();

        awaitCommitted(records.size() + more.size());
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.size() + 10);
        assertThat(ReadModel.snapshot(fixture.jdbc).stream()
                .filter(row -> !row.contains("|n-") && !row.startsWith("customer|c-new|")).toList())
                .isEqualTo(readModel);
        assertThat(fixture.jdbc.queryForList("SELECT status FROM read_model.order_summary WHERE order_id LIKE 'n-%'",
                String.class)).containsOnly("PAID").hasSize(5);
    }

    @Test
    void leavesBlockedOrdersAsTheyAreForARedrive() {
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(events.record(OrderEvents.placed("a-" + i, "c" + i)));
            second.add(events.record(OrderEvents.paid("a-" + i)));
        }
        first.add(events.record(OrderEvents.placed("x-1", "c9")));
        second.add(events.record(OrderEvents.delivered("x-1"))); // never shipped: dead-lettered, x-1 blocked
        second.add(events.record(OrderEvents.paid("x-1")));      // parked behind it
        Instant from = sendInTwoGroups(first, second);
        applyAllThenStop(first.size() + second.size());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        Map<String, Instant> updated = updatedAt();
        long deadLetters = Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic);
        assertThat(deadLetters).isEqualTo(1);

        Run run = replay("--from=" + from);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.lines()).contains(
                "replay: pass 1 done: 6 records read, 5 orders touched",
                "replay: left out 1 order (blocked by a dead-lettered event, waiting for a redrive): x-1",
                "replay: re-applied 8 of 8 recorded events (0 duplicates, 0 dead-lettered, 0 parked)",
                "replay: committed");
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);
        assertThat(updatedAt().get("x-1")).isEqualTo(updated.get("x-1"));
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = 'x-1'")).isEqualTo(1);
        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)).isEqualTo(deadLetters);
    }

    @Test
    void leavesOutOrdersWhoseFirstEventsAreNoLongerInTheTopic() throws Exception {
        TwoGroups sent = sendTwoGroups();
        applyAllThenStop(sent.total());
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        Map<String, Instant> updated = updatedAt();
        // Retention deletes the start of a-0's partition, up to the first record sent after the pause.
        RecordMetadata placedA0 = sent.metadataOf("a-0").get(0);
        int partition = placedA0.partition();
        long firstOfSecond = sent.secondMetadata().stream().filter(m -> m.partition() == partition)
                .mapToLong(RecordMetadata::offset).min().orElseThrow();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", fixture.kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(fixture.topic, partition),
                    RecordsToDelete.beforeOffset(firstOfSecond))).all().get();
        }
        List<String> expired = sent.ordersIn(partition, key -> key.startsWith("a-"));
        assertThat(expired).contains("a-0");

        Run run = replay("--from=" + sent.from());

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.lines()).contains("replay: left out " + expired.size() + " " + (expired.size() == 1 ? "order" : "orders")
                + " (events before the start of their partition, deleted by retention): " + String.join(", ", expired),
                "replay: committed");
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);
        expired.forEach(orderId -> assertThat(updatedAt().get(orderId)).as(orderId).isEqualTo(updated.get(orderId)));
    }

    @Test
    void deadLettersAnEventTheReadModelNowRefusesAndBlocksItsOrder() {
        TwoGroups sent = sendTwoGroups();
        applyAllThenStop(sent.total());
        // From now on the database refuses the row of order a-3, as a new constraint would.
        fixture.jdbc.execute("""
                CREATE FUNCTION read_model.refuse_a3() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.order_id = 'a-3' THEN
                        RAISE EXCEPTION 'order a-3 is refused' USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                END $$""");
        fixture.jdbc.execute("CREATE TRIGGER refuse_a3 BEFORE INSERT ON read_model.order_summary"
                + " FOR EACH ROW EXECUTE FUNCTION read_model.refuse_a3()");
        List<String> readModel = ReadModel.snapshot(fixture.jdbc);
        List<String> a3Events = fixture.jdbc.queryForList(
                "SELECT event_id::text FROM read_model.applied_event WHERE order_id = 'a-3'", String.class);

        Run dryRun = replay("--from=" + sent.from(), "--dry-run");

        assertThat(dryRun.exit()).as(dryRun.output()).isZero();
        assertThat(dryRun.lines()).contains("replay: 1 event would be dead-lettered to " + fixture.deadLetterTopic
                + " (nothing sent), their orders would be blocked until redriven:");
        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)).isZero();
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(readModel);

        Run run = replay("--from=" + sent.from());

        assertThat(run.exit()).as(run.output()).isZero();
        long touchedEvents = sent.countOf(key -> key.startsWith("a-") || key.startsWith("c-"));
        assertThat(run.lines()).contains(
                "replay: re-applied " + (touchedEvents - 4) + " of " + touchedEvents
                        + " recorded events (0 duplicates, 1 dead-lettered, 3 parked)",
                "replay: 1 event dead-lettered to " + fixture.deadLetterTopic + ", their orders blocked until redriven:",
                "replay: read model: 1 order row, 2 line rows and 1 customer row differ from before the replay (orders a-3)",
                "replay: committed");
        assertThat(run.lines()).anyMatch(line -> line.startsWith("replay:   order a-3, event ")
                && line.contains("ERROR: order a-3 is refused")); // the database's reason, on one line
        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id = 'a-3'")).isEqualTo(1);
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = 'a-3'")).isEqualTo(3);
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE order_id = 'a-3'")).isZero();
        // Its events are no longer applied, so Redis must not say they are: a redrive would skip them.
        try (RedisClient client = RedisClient.create(fixture.redis.url());
             StatefulRedisConnection<String, String> redis = client.connect()) {
            a3Events.forEach(id -> assertThat(redis.sync().exists(fixture.redisPrefix + id)).as(id).isZero());
            String other = fixture.jdbc.queryForObject(
                    "SELECT event_id::text FROM read_model.applied_event WHERE order_id = 'a-4' LIMIT 1", String.class);
            assertThat(redis.sync().exists(fixture.redisPrefix + other)).isEqualTo(1);
        }
    }

    @Test
    void rejectsAMissingOrMalformedFrom() {
        assertThat(replay().exit()).isEqualTo(2);
        Run malformed = replay("--from=yesterday");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.lines().get(0)).isEqualTo("replay: --from must be an RFC 3339 time with an offset, such as"
                + " 2026-11-02T09:00:00Z or 2026-11-02T10:00:00+01:00; was 'yesterday'");
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Orders a-0..a-11 placed and paid before a pause, then shipped and delivered (every fifth
     * cancelled) after it; b-0..b-9 whole before it; c-0..c-5 whole after it. Customer c(i % 7).
     */
    private TwoGroups sendTwoGroups() {
        List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            first.add(events.record(OrderEvents.placed("a-" + i, "c" + (i % 7))));
            first.add(events.record(OrderEvents.paid("a-" + i)));
        }
        first.addAll(events.lifecycles("b-", 10));
        for (int i = 0; i < 12; i++) {
            if (i % 5 == 4) {
                second.add(events.record(OrderEvents.cancelled("a-" + i)));
            } else {
                second.add(events.record(OrderEvents.shipped("a-" + i)));
                second.add(events.record(OrderEvents.delivered("a-" + i)));
            }
        }
        second.addAll(events.lifecycles("c-", 6));
        List<RecordMetadata> firstMetadata = Kafka.send(fixture.kafka.bootstrapServers(), first);
        pause();
        List<RecordMetadata> secondMetadata = Kafka.send(fixture.kafka.bootstrapServers(), second);
        long lastOfFirst = firstMetadata.stream().mapToLong(RecordMetadata::timestamp).max().orElseThrow();
        long firstOfSecond = secondMetadata.stream().mapToLong(RecordMetadata::timestamp).min().orElseThrow();
        assertThat(lastOfFirst).isLessThan(firstOfSecond);
        return new TwoGroups(first, second, firstMetadata, secondMetadata, Instant.ofEpochMilli(firstOfSecond));
    }

    /** Sends the groups with a pause between; returns the timestamp of the first record of the second. */
    private Instant sendInTwoGroups(List<ProducerRecord<byte[], byte[]>> first, List<ProducerRecord<byte[], byte[]>> second) {
        List<RecordMetadata> firstMetadata = Kafka.send(fixture.kafka.bootstrapServers(), first);
        pause();
        List<RecordMetadata> secondMetadata = Kafka.send(fixture.kafka.bootstrapServers(), second);
        long firstOfSecond = secondMetadata.stream().mapToLong(RecordMetadata::timestamp).min().orElseThrow();
        assertThat(firstMetadata.stream().mapToLong(RecordMetadata::timestamp).max().orElseThrow()).isLessThan(firstOfSecond);
        return Instant.ofEpochMilli(firstOfSecond);
    }

    private record TwoGroups(List<ProducerRecord<byte[], byte[]>> first, List<ProducerRecord<byte[], byte[]>> second,
                             List<RecordMetadata> firstMetadata, List<RecordMetadata> secondMetadata, Instant from) {

        int total() {
            return first.size() + second.size();
        }

        long countOf(Predicate<String> key) {
            return java.util.stream.Stream.concat(first.stream(), second.stream())
                    .filter(record -> key.test(new String(record.key(), StandardCharsets.UTF_8))).count();
        }

        List<RecordMetadata> metadataOf(String orderId) {
            List<RecordMetadata> found = new ArrayList<>();
            for (int i = 0; i < first.size(); i++) {
                if (orderId.equals(new String(first.get(i).key(), StandardCharsets.UTF_8))) {
                    found.add(firstMetadata.get(i));
                }
            }
            return found;
        }

        /** The orders of the first group matching {@code key} whose records are in the partition, sorted. */
        List<String> ordersIn(int partition, Predicate<String> key) {
            java.util.SortedSet<String> orders = new java.util.TreeSet<>();
            for (int i = 0; i < first.size(); i++) {
                String orderId = new String(first.get(i).key(), StandardCharsets.UTF_8);
                if (firstMetadata.get(i).partition() == partition && key.test(orderId)) {
                    orders.add(orderId);
                }
            }
            return List.copyOf(orders);
        }
    }

    /** Makes rows of orders touched after the pause wrong, and a customer counter. */
    private void corrupt() {
        fixture.jdbc.update("UPDATE read_model.order_summary SET total = 999.99, item_count = 42 WHERE order_id = 'a-1'");
        fixture.jdbc.update("UPDATE read_model.order_summary SET status = 'PLACED', shipped_at = NULL, delivered_at = NULL"
                + " WHERE order_id = 'a-2'");
        fixture.jdbc.update("DELETE FROM read_model.order_line WHERE order_id = 'c-1' AND line_id = '2'");
        fixture.jdbc.update("DELETE FROM read_model.order_summary WHERE order_id = 'c-3'");
        fixture.jdbc.update("UPDATE read_model.customer_summary SET orders_placed = orders_placed + 5,"
                + " total_paid = total_paid + 100 WHERE customer_id = 'c1'");
    }

    private static void pause() {
        try {
            Thread.sleep(1_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the live consumer until it has committed every record sent, then stops it (it leaves the group). */
    private void applyAllThenStop(int records) {
        ConfigurableApplicationContext consumer = fixture.startConsumer();
        awaitCommitted(records);
        consumer.close();
    }

    private void awaitApplied(long events) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(events));
    }

    private void awaitCommitted(long records) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(records));
    }

    private List<String> appliedEvents() {
        return fixture.jdbc.queryForList("""
                SELECT concat_ws('|', event_id, order_id, event_type, position, topic, partition, kafka_offset)
                FROM read_model.applied_event ORDER BY event_id""", String.class);
    }

    private Map<String, Instant> updatedAt() {
        Map<String, Instant> updated = new HashMap<>();
        fixture.jdbc.query("SELECT order_id, updated_at FROM read_model.order_summary",
                rs -> {
                    updated.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                });
        return updated;
    }

    private long redisKeyCount() {
        try (RedisClient client = RedisClient.create(fixture.redis.url());
             StatefulRedisConnection<String, String> redis = client.connect()) {
            return redis.sync().keys(fixture.redisPrefix + "*").size();
        }
    }

    /** Runs the command in this JVM with the fixture's settings, as {@code java -jar event-consumer.jar replay ...} would. */
    private Run replay(String... options) {
        List<String> args = new ArrayList<>();
        fixture.settings(Map.of()).forEach((key, value) -> args.add("--" + key + "=" + value));
        args.addAll(Arrays.asList(options));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            exit = EventConsumerApplication.runCommand("replay", args.toArray(String[]::new), out);
        }
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private record Run(int exit, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }
}
