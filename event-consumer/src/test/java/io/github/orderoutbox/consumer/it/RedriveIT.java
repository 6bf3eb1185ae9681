package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.consumer.EventConsumerApplication;
import io.github.orderoutbox.consumer.readmodel.BlockedOrder;
import io.github.orderoutbox.consumer.readmodel.BlockedOrderFilter;
import io.github.orderoutbox.consumer.readmodel.OrderRelease;
import io.github.orderoutbox.consumer.readmodel.ParkedRecord;
import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.consumer.readmodel.ReleaseConflictException;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code redrive} command, run as an operator runs it ({@code EventConsumerApplication.runCommand})
 * beside a running consumer, against orders the consumer itself blocked.
 *
 * <p>Two causes block orders here. A fixable one: the catalogue table is moved away while an order
 * is placed, so {@code EnrichOrderData} fails with an error that is not an outage and, after
 * {@code consumer.max-attempts} (2 here), the order's OrderPlaced is dead-lettered and its later
 * events parked; once the table is back, a redrive succeeds. A lasting one: an order paid in USD
 * although placed in EUR, which no redrive can apply.
 */
class RedriveIT {

    private static final String USD_REASON = "BusinessRuleViolationException: order %s: paid in USD but the order is in EUR";

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
    void redrivesTheDeadLetteredEventThenTheParkedOnesAndEndsAsIfNothingHadFailed() {
        ConfigurableApplicationContext consumer = startConsumer();
        send(events.lifecycles("o-", 6));
        awaitConsumed();

        ProducerRecord<byte[], byte[]> placed = events.record(placedWithNewProduct("x-1"));
        ProducerRecord<byte[], byte[]> paid = events.record(paidInEur("x-1"));
        List<RecordMetadata> blockedAt = blockByCatalogOutage("x-1", List.of(placed, paid));

        // While x-1 is blocked the other orders go on, and x-1's next event is parked behind the gap.
        send(events.lifecycles("p-", 3));
        ProducerRecord<byte[], byte[]> shipped = events.record(OrderEvents.shipped("x-1"));
        RecordMetadata shippedAt = send(List.of(shipped)).get(0);
        awaitConsumed();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = 'x-1'")).isEqualTo(2);
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE order_id = 'x-1'")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE status = 'DELIVERED' AND order_id LIKE 'p-%'"))
                .isEqualTo(3);

        Run run = redrive();

        assertThat(run.exitCode).isZero();
        assertThat(run.lines).containsExactly(
                "x-1 events=3 result=released applied=3 duplicates=0",
                "redrive: selected=1 released=1 failed=0");
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event")).isZero();
        // Applied in their original order, recorded where they were first read, not where the
        // dead letter lies.
        assertThat(fixture.jdbc.queryForList("SELECT concat_ws('|', event_id, event_type, topic, partition, kafka_offset)"
                + " FROM read_model.applied_event WHERE order_id = 'x-1' ORDER BY position", String.class))
                .containsExactly(
                        appliedRow(placed, "OrderPlaced", blockedAt.get(0)),
                        appliedRow(paid, "OrderPaid", blockedAt.get(1)),
                        appliedRow(shipped, "OrderShipped", shippedAt));
        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic))
                .as("dead letters: the first pass's one, none from the redrive").isEqualTo(1);
        StringRedisTemplate redis = consumer.getBean(StringRedisTemplate.class);
        assertThat(List.of(placed, paid, shipped)).allSatisfy(record ->
                assertThat(redis.hasKey(fixture.redisPrefix + eventId(record))).isTrue());

        // Released: the running consumer applies x-1's next event instead of parking it.
        send(List.of(events.record(OrderEvents.delivered("x-1"))));
        awaitConsumed();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(sent.size());

        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(cleanRunOf(sent));
    }

    @Test
    void appliesADeadLetteredEventWhoseRedisKeyOutlivedItsRecordInPostgres() {
        ConfigurableApplicationContext consumer = startConsumer();
        ProducerRecord<byte[], byte[]> placed = events.record(placedWithNewProduct("x-1"));
        blockByCatalogOutage("x-1", List.of(placed));
        // A key Redis kept for an event no longer applied: a replay that did not apply it again
        // failed to delete it, or died between its commit and the delete.
        consumer.getBean(StringRedisTemplate.class).opsForValue().set(fixture.redisPrefix + eventId(placed), "1");

        Run run = redrive();

        assertThat(run.lines).containsExactly(
                "x-1 events=1 result=released applied=1 duplicates=0",
                "redrive: selected=1 released=1 failed=0");
        assertThat(fixture.jdbc.queryForObject("SELECT status FROM read_model.order_summary WHERE order_id = 'x-1'",
                String.class)).isEqualTo("PLACED");
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event WHERE event_id = ?::uuid", eventId(placed)))
                .isOne();
    }

    @Test
    void dryRunSaysWhatWouldHappenAndChangesNothing() {
        ConfigurableApplicationContext consumer = startConsumer();
        send(events.lifecycles("o-", 3));
        awaitConsumed();
        ProducerRecord<byte[], byte[]> placed = events.record(placedWithNewProduct("x-1"));
        ProducerRecord<byte[], byte[]> paid = events.record(paidInEur("x-1"));
        ProducerRecord<byte[], byte[]> shipped = events.record(OrderEvents.shipped("x-1"));
        blockByCatalogOutage("x-1", List.of(placed, paid, shipped));
        send(List.of(events.record(OrderEvents.placed("y-1", "c-y-1"))));
        ProducerRecord<byte[], byte[]> paidInUsd = events.record(paidInUsd("y-1"));
        RecordMetadata paidInUsdAt = blockByRule("y-1", paidInUsd, events.record(OrderEvents.shipped("y-1")));
        List<String> before = state();

        Run all = redrive("--dry-run");

        assertThat(all.exitCode).isEqualTo(1);
        assertThat(all.lines).containsExactly(
                "x-1 events=3 result=would_release applied=3 duplicates=0",
                "y-1 events=2 result=would_fail failed_event=1 type=OrderPaid event_id=" + eventId(paidInUsd)
                        + " source=" + paidInUsdAt.topic() + "-" + paidInUsdAt.partition() + "@" + paidInUsdAt.offset()
                        + " pipe=SyncReadModel reason=\"" + USD_REASON.formatted("y-1") + "\"",
                "redrive --dry-run: selected=2 would_release=1 would_fail=1 (nothing was written)");
        assertThat(state()).isEqualTo(before);

        Run one = redrive("--dry-run", "--order-id=x-1");

        assertThat(one.exitCode).isZero();
        assertThat(one.lines).containsExactly(
                "x-1 events=3 result=would_release applied=3 duplicates=0",
                "redrive --dry-run: selected=1 would_release=1 would_fail=0 (nothing was written)");
        assertThat(state()).isEqualTo(before);
        StringRedisTemplate redis = consumer.getBean(StringRedisTemplate.class);
        assertThat(List.of(placed, paid, shipped)).allSatisfy(record ->
                assertThat(redis.hasKey(fixture.redisPrefix + eventId(record))).isFalse());
    }

    @Test
    void leavesTheOrderBlockedAndWritesNothingOfItWhenALaterEventStillFails() {
        startConsumer();
        // z-1's OrderPlaced is dead-lettered for a cause that is then fixed, but the payment parked
        // behind it is in the wrong currency: the placement applies in the chain, the payment does
        // not, and so nothing of z-1 may be written.
        ProducerRecord<byte[], byte[]> placed = events.record(placedWithNewProduct("z-1"));
        ProducerRecord<byte[], byte[]> paidInUsd = events.record(paidInUsd("z-1"));
        blockByCatalogOutage("z-1", List.of(placed, paidInUsd, events.record(OrderEvents.shipped("z-1"))));
        List<String> before = state();

        Run run = redrive();

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.lines).hasSize(2);
        assertThat(run.lines.get(0))
                .startsWith("z-1 events=3 result=failed failed_event=2 type=OrderPaid event_id=" + eventId(paidInUsd) + " ")
                .endsWith(" pipe=SyncReadModel reason=\"" + USD_REASON.formatted("z-1") + "\"");
        assertThat(run.lines.get(1)).isEqualTo("redrive: selected=1 released=0 failed=1");
        assertThat(state()).isEqualTo(before);
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE order_id = 'z-1'")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = 'z-1'")).isEqualTo(2);
    }

    @Test
    void selectsOrdersByIdEventTypeErrorAndTimeOfTheBlock() {
        startConsumer();
        send(List.of(events.record(OrderEvents.placed("a-1", "c-a")), events.record(OrderEvents.placed("b-1", "c-b")),
                events.record(OrderEvents.placed("c-1", "c-c"))));
        // a-1: OrderPaid dead-lettered (wrong currency), OrderShipped parked.
        blockByRule("a-1", events.record(paidInUsd("a-1")), events.record(OrderEvents.shipped("a-1")));
        // b-1: OrderShipped of a cancelled order dead-lettered, OrderDelivered parked.
        send(List.of(events.record(OrderEvents.cancelled("b-1"))));
        blockByRule("b-1", events.record(OrderEvents.shipped("b-1")), events.record(OrderEvents.delivered("b-1")));
        // c-1: an OrderPaid whose payload is not JSON dead-lettered, nothing parked.
        blockByRule("c-1", events.raw("c-1", "OrderPaid", 1, UUID.randomUUID(), "{not json".getBytes(StandardCharsets.UTF_8)));
        // d-1: OrderPlaced dead-lettered while the catalogue was away, OrderPaid parked.
        blockByCatalogOutage("d-1", List.of(events.record(placedWithNewProduct("d-1")), events.record(paidInEur("d-1"))));
        // As if they had been blocked a month apart.
        for (String[] blocked : new String[][] {{"a-1", "2026-01-01"}, {"b-1", "2026-02-01"}, {"c-1", "2026-03-01"},
                {"d-1", "2026-04-01"}}) {
            fixture.jdbc.update("UPDATE read_model.blocked_order SET blocked_at = ?::date::timestamp AT TIME ZONE 'UTC'"
                    + " WHERE order_id = ?", blocked[1], blocked[0]);
        }
        List<String> before = state();

        assertThat(ordersIn(redrive("--dry-run", "--order-id=c-1", "--order-id=a-1"))).containsExactly("a-1", "c-1");
        assertThat(ordersIn(redrive("--dry-run", "--event-type=OrderDelivered"))).as("a parked event's type")
                .containsExactly("b-1");
        assertThat(ordersIn(redrive("--dry-run", "--event-type=OrderPlaced"))).as("the dead-lettered event's type")
                .containsExactly("d-1");
        assertThat(ordersIn(redrive("--dry-run", "--event-type=OrderPaid"))).containsExactly("a-1", "c-1", "d-1");
        assertThat(ordersIn(redrive("--dry-run", "--error=PAID IN usd"))).containsExactly("a-1");
        assertThat(ordersIn(redrive("--dry-run", "--error=not well-formed JSON"))).containsExactly("c-1");
        assertThat(ordersIn(redrive("--dry-run", "--from=2026-02-01T00:00:00Z", "--to=2026-04-01T00:00:00Z")))
                .as("from inclusive, to exclusive").containsExactly("b-1", "c-1");
        assertThat(ordersIn(redrive("--dry-run", "--from=2026-03-31T20:00:00-04:00"))).containsExactly("d-1");
        Run limited = redrive("--dry-run", "--event-type=OrderPaid", "--from=2026-02-15T00:00:00Z", "--limit=1");
        assertThat(ordersIn(limited)).containsExactly("c-1");
        assertThat(limited.lines).contains("redrive: stopped at --limit=1; more blocked orders may match");
        assertThat(limited.exitCode).as("c-1 would fail").isEqualTo(1);
        Run none = redrive("--dry-run", "--order-id=zz-9");
        assertThat(none.exitCode).isZero();
        assertThat(none.lines).containsExactly(
                "zz-9 result=not_selected reason=\"not blocked, or left out by the other options\"",
                "redrive --dry-run: selected=0 would_release=0 would_fail=0 (nothing was written)");
        assertThat(state()).isEqualTo(before);

        Run released = redrive("--event-type=OrderPlaced", "--to=2026-05-01T00:00:00Z");

        assertThat(released.exitCode).isZero();
        assertThat(released.lines).containsExactly(
                "d-1 events=2 result=released applied=2 duplicates=0",
                "redrive: selected=1 released=1 failed=0");
        assertThat(fixture.jdbc.queryForList("SELECT order_id FROM read_model.blocked_order ORDER BY order_id", String.class))
                .containsExactly("a-1", "b-1", "c-1");
        assertThat(fixture.jdbc.queryForObject("SELECT status FROM read_model.order_summary WHERE order_id = 'd-1'", String.class))
                .isEqualTo("PAID");
    }

    @Test
    void refusesToReleaseAnOrderWhoseRecordsWereParkedAfterTheRedriveReadThem() {
        startConsumer();
        send(List.of(events.record(OrderEvents.placed("a-1", "c-a"))));
        blockByRule("a-1", events.record(paidInUsd("a-1")), events.record(OrderEvents.shipped("a-1")));
        ReadModelRepository readModel = new ReadModelRepository(fixture.jdbc, new EventJson().mapper());
        BlockedOrder block = readModel.blockedOrders(BlockedOrderFilter.all()).get(0);
        List<ParkedRecord> parkedAsRead = readModel.parkedOf("a-1");
        // Meanwhile the running consumer parks another record of the order.
        send(List.of(events.record(OrderEvents.delivered("a-1"))));
        awaitConsumed();
        List<String> before = state();
        ReadModelChanges changes = new ReadModelChanges();
        changes.release(new OrderRelease(block, parkedAsRead));

        assertThatThrownBy(() -> new TransactionTemplate(new DataSourceTransactionManager(fixture.admin))
                .executeWithoutResult(status -> readModel.write(changes)))
                .isInstanceOf(ReleaseConflictException.class)
                .hasMessage("1 record(s) of order a-1 were parked while it was redriven; redrive it again to include them");
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void refusesAMisspeltOptionWithTheUsageInsteadOfRedrivingForReal() {
        Run run = redrive("--dryrun");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.lines.get(0)).isEqualTo("redrive: unknown option --dryrun");
        assertThat(run.lines.get(1)).startsWith("redrive [--order-id=ID ...]");
    }

    private ConfigurableApplicationContext startConsumer() {
        return fixture.startConsumer(Map.of("consumer.max-attempts", "2"));
    }

    /**
     * Sends the order's records while {@code catalog.product} is moved away, waits until the consumer
     * has dead-lettered the order's OrderPlaced (the first of them, with a product not in the cache)
     * and parked the rest, then puts the table back.
     */
    private List<RecordMetadata> blockByCatalogOutage(String orderId, List<ProducerRecord<byte[], byte[]>> records) {
        fixture.jdbc.execute("ALTER TABLE catalog.product RENAME TO product_moved");
        try {
            List<RecordMetadata> metadata = send(records);
            awaitConsumed();
            assertBlocked(orderId, records.size() - 1);
            return metadata;
        } finally {
            fixture.jdbc.execute("ALTER TABLE catalog.product_moved RENAME TO product");
        }
    }

    /**
     * Sends an event the consumer rejects and the order's events after it, waits until it has
     * dead-lettered the one and parked the others; returns where the rejected one went.
     */
    @SafeVarargs
    private RecordMetadata blockByRule(String orderId, ProducerRecord<byte[], byte[]> failing,
                                       ProducerRecord<byte[], byte[]>... after) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(List.of(failing));
        records.addAll(List.of(after));
        RecordMetadata metadata = send(records).get(0);
        awaitConsumed();
        assertBlocked(orderId, after.length);
        return metadata;
    }

    private void assertBlocked(String orderId, int parked) {
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id = ?", orderId)).isOne();
        assertThat(fixture.count("SELECT count(*) FROM read_model.parked_event WHERE order_id = ?", orderId)).isEqualTo(parked);
    }

    private List<RecordMetadata> send(List<ProducerRecord<byte[], byte[]>> records) {
        sent.addAll(records);
        return Kafka.send(fixture.kafka.bootstrapServers(), records);
    }

    /** Waits until the consumer has committed every record sent, so their effects are durable. */
    private void awaitConsumed() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(sent.size()));
    }

    /** Runs the command as {@code java -jar event-consumer.jar redrive ...} would, against this fixture. */
    private Run redrive(String... options) {
        List<String> args = new ArrayList<>();
        fixture.settings(Map.of()).forEach((key, value) -> args.add("--" + key + "=" + value));
        args.addAll(List.of(options));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exitCode = EventConsumerApplication.runCommand("redrive", args.toArray(String[]::new),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(exitCode, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private record Run(int exitCode, List<String> lines) {
    }

    /** The order ids of a run's per-order lines. */
    private static List<String> ordersIn(Run run) {
        return run.lines.stream().filter(line -> !line.startsWith("redrive")).map(line -> line.split(" ")[0]).toList();
    }

    /** The read model and the consumer's bookkeeping, every column, and the number of dead letters. */
    private List<String> state() {
        List<String> rows = new ArrayList<>(ReadModel.snapshot(fixture.jdbc));
        rows.addAll(fixture.jdbc.queryForList("""
                SELECT concat_ws('|', 'applied', event_id, order_id, event_type, position, topic, partition, kafka_offset, applied_at)
                FROM read_model.applied_event ORDER BY event_id""", String.class));
        rows.addAll(fixture.jdbc.queryForList("""
                SELECT concat_ws('|', 'blocked', order_id, first_event_id, reason, blocked_at, dead_letter_topic,
                       dead_letter_partition, dead_letter_offset)
                FROM read_model.blocked_order ORDER BY order_id""", String.class));
        rows.addAll(fixture.jdbc.queryForList("""
                SELECT concat_ws('|', 'parked', topic, partition, kafka_offset, order_id, event_id, event_type,
                       md5(record_key), md5(record_value), headers, record_timestamp, reason, parked_at)
                FROM read_model.parked_event ORDER BY topic, partition, kafka_offset""", String.class));
        rows.add("dead letters: " + Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic));
        return rows;
    }

    /** The read model of a consumer that got the same records without any failure. */
    private List<String> cleanRunOf(List<ProducerRecord<byte[], byte[]>> records) {
        ConsumerFixture clean = new ConsumerFixture(fixture.postgres, fixture.kafka, fixture.redis);
        cleanRuns.add(clean);
        Kafka.send(clean.kafka.bootstrapServers(), records.stream().map(record -> new ProducerRecord<>(clean.topic,
                null, null, record.key(), record.value(), record.headers())).toList());
        clean.startConsumer();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(clean.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(records.size()));
        assertThat(clean.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        return ReadModel.snapshot(clean.jdbc);
    }

    private static String appliedRow(ProducerRecord<byte[], byte[]> record, String type, RecordMetadata at) {
        return String.join("|", eventId(record), type, at.topic(), Integer.toString(at.partition()), Long.toString(at.offset()));
    }

    private static String eventId(ProducerRecord<byte[], byte[]> record) {
        return new String(record.headers().lastHeader(EventHeaders.ID).value(), StandardCharsets.UTF_8);
    }

    /** An order of one product no earlier order had, so the catalogue is asked about it. */
    private static OrderPlaced placedWithNewProduct(String orderId) {
        return OrderPlaced.of(orderId, "c-" + orderId, List.of(OrderLine.of("1", "SKU-3", 1, Money.of("25.00", "EUR"))),
                OrderEvents.T0);
    }

    private static OrderPaid paidInEur(String orderId) {
        return new OrderPaid(orderId, "pay-" + orderId, new BigDecimal("25.00"), "EUR", OrderEvents.T0.plusSeconds(60));
    }

    private static OrderPaid paidInUsd(String orderId) {
        return new OrderPaid(orderId, "pay-" + orderId, new BigDecimal("19.00"), "USD", OrderEvents.T0.plusSeconds(60));
    }
}
