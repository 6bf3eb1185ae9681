package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>Positions: {@link OrderEvents} hands out the next position with every record it makes, so
 * making the records in commit order and sending them in another order is how a test reorders them.
 */
class OutOfPositionIT {

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
        assertThat(counter(registry, "consumer.events.stale")).isZero();
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

    private static String eventId(ProducerRecord<byte[], byte[]> record) {
        return new String(record.headers().lastHeader(EventHeaders.ID).value(), StandardCharsets.UTF_8);
    }
}
