package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.EventConsumerApplication;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * An event whose outbox position is not above its order's, and that was never applied: it arrives
 * when a writer skipped the order-row lock, or when the relay republished it after a later event of
 * its order. It is a fault of the order's stream (dead letter with reason {@code out-of-position},
 * order blocked, counted), never a silent "stale" skip; a true duplicate still is skipped silently.
 * Redrive then applies an order's events in outbox-position order, in both directions.
 *
 * <p>Positions: {@link OrderEvents} hands out the next position with every record it makes, so
 * making the records in commit order and sending them in another order is how a test reorders them.
 */
class OutOfPositionIT {

    private ConsumerFixture fixture;
    private OrderEvents events;
    private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();
    private final List<ConsumerFixture> cleanRuns = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        events = new OrderEvents(fixture.topic);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
        cleanRuns.forEach(ConsumerFixture::close);
    }

    @Test
    void deadLettersAnEventOlderThanItsOrderThatWasNeverAppliedAndBlocksTheOrder() {
        MeterRegistry registry = fixture.startConsumer().getBean(MeterRegistry.class);
        ProducerRecord<byte[], byte[]> placed = events.record(OrderEvents.placed("o-1", "c-1")); // position 1
        ProducerRecord<byte[], byte[]> paid = events.record(OrderEvents.paid("o-1"));            // 2
        ProducerRecord<byte[], byte[]> shipped = events.record(OrderEvents.shipped("o-1"));      // 3
        ProducerRecord<byte[], byte[]> delivered = events.record(OrderEvents.delivered("o-1"));  // 4
        send(placed, shipped);
        awaitConsumed();

        send(paid); // published after 3, as a relay republishes a record that failed while 3 went through
        awaitConsumed();
        send(delivered);
        awaitConsumed();

        List<ConsumerRecord<byte[], byte[]>> letters = Kafka.readAll(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic, 1);
        assertThat(letters).as("the payment is dead-lettered, not dropped").hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(Kafka.header(letter, "dlq_reason")).isEqualTo("out-of-position");
        assertThat(Kafka.header(letter, "dlq_event_position")).isEqualTo("2");
        assertThat(Kafka.header(letter, "dlq_order_position")).isEqualTo("3");
        assertThat(Kafka.header(letter, "dlq_event_id")).isEqualTo(eventId(paid));
        assertThat(Kafka.header(letter, "dlq_failed_pipe")).isEqualTo("SyncReadModel");
        assertThat(Kafka.header(letter, "dlq_exception_message"))
                .isEqualTo("order o-1: event " + eventId(paid) + " (OrderPaid) is at outbox position 2, but the order"
                        + " already reflects position 3 and the event was never applied");
        assertThat(fixture.jdbc.queryForObject("SELECT first_event_id::text FROM read_model.blocked_order WHERE order_id = 'o-1'",
                String.class)).isEqualTo(eventId(paid));
        assertThat(fixture.jdbc.queryForList("SELECT event_id::text FROM read_model.parked_event WHERE order_id = 'o-1'",
                String.class)).as("the order's later event waits behind the gap").containsExactly(eventId(delivered));
        assertThat(fixture.jdbc.queryForObject("SELECT status FROM read_model.order_summary WHERE order_id = 'o-1'",
                String.class)).isEqualTo("SHIPPED");
        assertThat(counter(registry, "consumer.events.out.of.position")).isEqualTo(1);
        assertThat(registry.find("consumer.events.stale").counter()).as("no event is skipped as stale any more").isNull();
    }

    @Test
    void skipsATrueDuplicateOfAnOlderEventSilentlyAlsoWhenRedisForgotIt() {
        ConfigurableApplicationContext consumer = fixture.startConsumer();
        MeterRegistry registry = consumer.getBean(MeterRegistry.class);
        ProducerRecord<byte[], byte[]> placed = events.record(OrderEvents.placed("o-1", "c-1"));
        ProducerRecord<byte[], byte[]> paid = events.record(OrderEvents.paid("o-1"));
        send(placed, paid, events.record(OrderEvents.shipped("o-1")));
        awaitConsumed();
        List<String> before = ReadModel.snapshot(fixture.jdbc);
        // Redis no longer knows the payment (flushed, expired): only applied_event does.
        consumer.getBean(StringRedisTemplate.class).delete(fixture.redisPrefix + eventId(paid));

        send(OrderEvents.again(paid), OrderEvents.again(placed)); // redeliveries: older than the order, but applied
        awaitConsumed();

        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(before);
        assertThat(counter(registry, "consumer.events.duplicates")).isEqualTo(2);
        assertThat(registry.find("consumer.events.out.of.position").counter()).satisfiesAnyOf(
                c -> assertThat(c).isNull(), c -> assertThat(c.count()).isZero());
    }

    @Test
    void redrivesAnEventRejectedBeforeAnEarlierOneArrivedInOutboxPositionOrder() {
        fixture.startConsumer();
        ProducerRecord<byte[], byte[]> placed = events.record(OrderEvents.placed("o-1", "c-1"));  // 1
        ProducerRecord<byte[], byte[]> shipped = events.record(OrderEvents.shipped("o-1"));      // 2
        ProducerRecord<byte[], byte[]> delivered = events.record(OrderEvents.delivered("o-1"));  // 3
        send(placed, delivered); // 3 overtakes 2: delivering an order that is not shipped is refused
        awaitConsumed();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id = 'o-1'")).isOne();
        send(shipped); // 2 arrives, and is parked behind the dead-lettered 3
        awaitConsumed();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = 'o-1'")).isOne();

        Run run = redrive();

        assertThat(run.lines).containsExactly(
                "o-1 events=2 result=released applied=2 duplicates=0",
                "redrive: selected=1 released=1 failed=0");
        assertThat(run.exitCode).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event")).isZero();
        assertThat(fixture.jdbc.queryForList("SELECT position FROM read_model.applied_event ORDER BY position", Long.class))
                .containsExactly(1L, 2L, 3L);
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(cleanRunOf(placed, shipped, delivered));
    }

    @Test
    void redriveRebuildsTheOrderInOutboxPositionOrderWhenTheDeadLetteredEventBelongsBeforeAppliedOnes() {
        Instant start = Instant.now().minusSeconds(1);
        ConfigurableApplicationContext consumer = fixture.startConsumer();
        // Another order of the same customer, so that the customer's counters hold more than o-1.
        ProducerRecord<byte[], byte[]> otherPlaced = events.record(OrderEvents.placed("o-2", "c-1"));
        ProducerRecord<byte[], byte[]> otherPaid = events.record(OrderEvents.paid("o-2"));
        ProducerRecord<byte[], byte[]> placed = events.record(OrderEvents.placed("o-1", "c-1"));
        ProducerRecord<byte[], byte[]> paid = events.record(OrderEvents.paid("o-1"));
        ProducerRecord<byte[], byte[]> shipped = events.record(OrderEvents.shipped("o-1"));
        ProducerRecord<byte[], byte[]> delivered = events.record(OrderEvents.delivered("o-1"));
        send(otherPlaced, otherPaid, placed, shipped);
        awaitConsumed();
        send(paid); // after the later shipment was applied: out of position, dead-lettered
        awaitConsumed();
        send(delivered); // parked behind it
        awaitConsumed();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id = 'o-1'")).isOne();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = 'o-1'")).isOne();

        Run dryRun = redrive("--dry-run");
        assertThat(dryRun.lines).containsExactly(
                "o-1 events=2 result=would_release applied=2 duplicates=0 reapplied=2",
                "redrive --dry-run: selected=1 would_release=1 would_fail=0 (nothing was written)");
        Run run = redrive();

        assertThat(run.lines).containsExactly(
                "o-1 events=2 result=released applied=2 duplicates=0 reapplied=2",
                "redrive: selected=1 released=1 failed=0");
        assertThat(run.exitCode).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event")).isZero();
        assertThat(fixture.jdbc.queryForList(
                "SELECT position FROM read_model.applied_event WHERE order_id = 'o-1' ORDER BY position", Long.class))
                .containsExactly(3L, 4L, 5L, 6L);
        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic))
                .as("the redrive sends no dead letter").isEqualTo(1);
        // The payment counts once for the order and the customer, as if nothing had been reordered.
        List<String> inCommitOrder = cleanRunOf(otherPlaced, otherPaid, placed, paid, shipped, delivered);
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(inCommitOrder);

        // A replay later feeds o-1's events in the order they were applied (payment before shipment),
        // not in the partition's (shipment first): it rebuilds the same read model.
        consumer.close();
        Run replay = command("replay", "--from=" + start);
        assertThat(replay.exitCode).as(String.join("\n", replay.lines)).isZero();
        assertThat(replay.lines).contains(
                "replay: re-applied 6 of 6 recorded events (0 duplicates, 0 dead-lettered, 0 parked)",
                "replay: committed");
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(inCommitOrder);
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
    }

    @SafeVarargs
    private void send(ProducerRecord<byte[], byte[]>... records) {
        sent.addAll(List.of(records));
        Kafka.send(fixture.kafka.bootstrapServers(), List.of(records));
    }

    /** Waits until the consumer has committed every record sent, so their effects are durable. */
    private void awaitConsumed() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(sent.size()));
    }

    private static double counter(MeterRegistry registry, String name) {
        Counter counter = registry.find(name).counter();
        assertThat(counter).as("meter " + name).isNotNull();
        return counter.count();
    }

    /** Runs the redrive as {@code java -jar event-consumer.jar redrive ...} would, against this fixture. */
    private Run redrive(String... options) {
        return command("redrive", options);
    }

    /** Runs an operator command as {@code java -jar event-consumer.jar <command> ...} would, against this fixture. */
    private Run command(String command, String... options) {
        List<String> args = new ArrayList<>();
        fixture.settings(Map.of()).forEach((key, value) -> args.add("--" + key + "=" + value));
        args.addAll(List.of(options));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exitCode = EventConsumerApplication.runCommand(command, args.toArray(String[]::new),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(exitCode, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private record Run(int exitCode, List<String> lines) {
    }

    /** The read model of a consumer that got these records in this order, without any failure. */
    @SafeVarargs
    private List<String> cleanRunOf(ProducerRecord<byte[], byte[]>... records) {
        ConsumerFixture clean = new ConsumerFixture(fixture.postgres, fixture.kafka, fixture.redis);
        cleanRuns.add(clean);
        Kafka.send(clean.kafka.bootstrapServers(), List.of(records).stream().map(record -> new ProducerRecord<>(clean.topic,
                null, null, record.key(), record.value(), record.headers())).toList());
        clean.startConsumer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(clean.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.length));
        assertThat(clean.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        return ReadModel.snapshot(clean.jdbc);
    }

    private static String eventId(ProducerRecord<byte[], byte[]> record) {
        return new String(record.headers().lastHeader(EventHeaders.ID).value(), StandardCharsets.UTF_8);
    }
}
