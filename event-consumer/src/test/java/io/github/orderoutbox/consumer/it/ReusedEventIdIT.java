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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * An event id applied before, arriving again: a redelivery carries the applied event's outbox
 * position too and is skipped silently; a second event under the id (the outbox accepts an id again
 * once its first row was published) carries another position, and is a fault of the writer that is
 * dead-lettered ({@code dlq_reason=event-id-reused}), its order blocked, never skipped as a
 * duplicate, whether Redis still knows the id or not.
 *
 * <p>Positions: {@link OrderEvents} hands out the next position with every record it makes.
 */
class ReusedEventIdIT {

    private ConsumerFixture fixture;
    private OrderEvents events;
    private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();

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
    void deadLettersASecondEventUnderAnAppliedIdAtALaterPositionAndBlocksItsOrder() {
        ConfigurableApplicationContext consumer = fixture.startConsumer();
        MeterRegistry registry = consumer.getBean(MeterRegistry.class);
        StringRedisTemplate redis = consumer.getBean(StringRedisTemplate.class);
        // o-1: Redis still knows the reused id; o-2: Redis has forgotten it, only applied_event knows.
        UUID reusedOne = UUID.randomUUID();
        UUID reusedTwo = UUID.randomUUID();
        send(events.record(OrderEvents.placed("o-1", "c-1")),                         // position 1
                events.record(OrderEvents.paid("o-1"), reusedOne),                      // 2
                events.record(OrderEvents.placed("o-2", "c-2")),                        // 3
                events.record(OrderEvents.paid("o-2"), reusedTwo));                     // 4
        awaitConsumed();
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.hasKey(fixture.redisPrefix + reusedOne));
        redis.delete(fixture.redisPrefix + reusedTwo);

        // The writer made no new id for the shipments: same ids, later positions, other payloads.
        ProducerRecord<byte[], byte[]> shippedOne = events.record(OrderEvents.shipped("o-1"), reusedOne); // 5
        ProducerRecord<byte[], byte[]> shippedTwo = events.record(OrderEvents.shipped("o-2"), reusedTwo); // 6
        ProducerRecord<byte[], byte[]> deliveredOne = events.record(OrderEvents.delivered("o-1"));        // 7
        send(shippedOne, shippedTwo, deliveredOne);
        awaitConsumed();

        List<ConsumerRecord<byte[], byte[]>> letters = Kafka.readAll(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic, 2);
        assertThat(letters).as("both shipments are dead-lettered, not skipped as duplicates").hasSize(2);
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            boolean one = Kafka.header(letter, "dlq_event_id").equals(reusedOne.toString());
            assertThat(Kafka.header(letter, "dlq_reason")).isEqualTo("event-id-reused");
            assertThat(Kafka.header(letter, "dlq_event_position")).isEqualTo(one ? "5" : "6");
            assertThat(Kafka.header(letter, "dlq_applied_position")).isEqualTo(one ? "2" : "4");
            assertThat(Kafka.header(letter, "dlq_failed_pipe")).isEqualTo("SkipDuplicates");
            assertThat(Kafka.header(letter, "dlq_exception_message")).isEqualTo("order " + (one ? "o-1" : "o-2")
                    + ": event " + (one ? reusedOne : reusedTwo) + " (OrderShipped) is at outbox position "
                    + (one ? 5 : 6) + ", but an event with the same id was applied at position " + (one ? 2 : 4)
                    + "; the writer reused the event id");
        }
        assertThat(fixture.jdbc.queryForList("SELECT order_id || ' ' || first_event_id FROM read_model.blocked_order ORDER BY order_id",
                String.class)).containsExactly("o-1 " + reusedOne, "o-2 " + reusedTwo);
        assertThat(fixture.jdbc.queryForList("SELECT event_id::text FROM read_model.parked_event WHERE order_id = 'o-1'",
                String.class)).as("the order's later event waits behind the dead letter").containsExactly(eventId(deliveredOne));
        assertThat(fixture.jdbc.queryForList("SELECT status FROM read_model.order_summary ORDER BY order_id", String.class))
                .containsExactly("PAID", "PAID");
        assertThat(counter(registry, "consumer.events.id.reused")).isEqualTo(2);
        assertThat(counter(registry, "consumer.events.duplicates")).isZero();

        // A redrive cannot apply it under an id that is taken: the order stays blocked, and says why.
        Run redrive = command("redrive", "--order-id=o-1");
        assertThat(redrive.exitCode).isNotZero();
        assertThat(redrive.lines.get(0)).startsWith("o-1 events=2 result=failed failed_event=1 type=OrderShipped")
                .contains("pipe=SkipDuplicates reason=\"EventIdReusedException: ");
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order WHERE order_id = 'o-1'")).isOne();
    }

    @Test
    void skipsATrueRedeliverySilentlyWithAndWithoutTheRedisKey() {
        ConfigurableApplicationContext consumer = fixture.startConsumer();
        MeterRegistry registry = consumer.getBean(MeterRegistry.class);
        StringRedisTemplate redis = consumer.getBean(StringRedisTemplate.class);
        ProducerRecord<byte[], byte[]> placed = events.record(OrderEvents.placed("o-1", "c-1")); // 1
        ProducerRecord<byte[], byte[]> paid = events.record(OrderEvents.paid("o-1"));            // 2
        ProducerRecord<byte[], byte[]> shipped = events.record(OrderEvents.shipped("o-1"));      // 3
        send(placed, paid, shipped);
        awaitConsumed();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(redis.opsForValue().get(fixture.redisPrefix + eventId(shipped)))
                        .as("the key holds the position the event was applied at").isEqualTo("3"));
        List<String> before = ReadModel.snapshot(fixture.jdbc);
        // placed: Redis knows it at its position. paid: Redis forgot it (flushed, expired).
        // shipped: a key written before keys held positions ("1"), which Postgres must overrule.
        redis.delete(fixture.redisPrefix + eventId(paid));
        redis.opsForValue().set(fixture.redisPrefix + eventId(shipped), "1");

        send(OrderEvents.again(placed), OrderEvents.again(paid), OrderEvents.again(shipped));
        awaitConsumed();
        send(OrderEvents.again(shipped), OrderEvents.again(paid)); // and in a batch of their own
        awaitConsumed();

        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.deadLetterTopic)).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
        assertThat(ReadModel.snapshot(fixture.jdbc)).isEqualTo(before);
        assertThat(counter(registry, "consumer.events.duplicates")).isEqualTo(5);
        assertThat(counter(registry, "consumer.events.id.reused")).isZero();
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

    private static String eventId(ProducerRecord<byte[], byte[]> record) {
        return new String(record.headers().lastHeader(EventHeaders.ID).value(), StandardCharsets.UTF_8);
    }
}
