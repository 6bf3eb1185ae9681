package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A second consumer joins the group while the first is writing a batch. The first gives its
 * partitions up only once that batch has committed and its offsets are committed, so the new owner
 * starts after the batch: it reads nothing again and applies nothing twice. The batch is held on a
 * row lock the test takes ({@link HeldRow}).
 */
class RebalanceWhileWritingIT {

    private ConsumerFixture fixture;
    private OrderEvents events;
    private HeldRow held;

    @BeforeEach
    void setUp() throws SQLException {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        events = new OrderEvents(fixture.topic);
        held = new HeldRow(fixture);
    }

    @AfterEach
    void tearDown() throws SQLException {
        try {
            held.close();
        } finally {
            fixture.close();
        }
    }

    @Test
    void partitionsMoveOnlyOnceTheBatchBeingWrittenHasCommitted() throws SQLException {
        // One order on each partition, on the topic before the first consumer starts: its first
        // batch holds all of them, so whichever partitions move, one of their events is in flight.
        List<String> heldOrders = ordersOnEveryPartition("o-");
        Kafka.send(fixture.kafka.bootstrapServers(), heldOrders.stream()
                .map(order -> events.record(OrderEvents.placed(order, HeldRow.CUSTOMER))).toList());
        MeterRegistry first = fixture.startConsumer().getBean(MeterRegistry.class);
        held.awaitAWriteWaiting();

        MeterRegistry second = fixture.startConsumer().getBean(MeterRegistry.class);
        await("the first consumer, asked to give partitions up, waits for the batch it writes").atMost(Duration.ofSeconds(30))
                .until(RebalanceWhileWritingIT::aRevocationWaits);
        assertThat(assignments()).as("the second consumer holds nothing while the batch is written").hasSize(2).contains(0);
        assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isZero();

        held.release();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(assignments()).as("the second consumer owns partitions once the batch committed")
                        .hasSize(2).doesNotContain(0));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(heldOrders.size()));

        // Each consumer now applies the events of its own partitions.
        List<String> later = ordersOnEveryPartition("p-");
        Kafka.send(fixture.kafka.bootstrapServers(), later.stream()
                .map(order -> events.record(OrderEvents.placed(order, "c-other"))).toList());
        int total = heldOrders.size() + later.size();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(total));
        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(total);
        assertThat(fixture.count("SELECT orders_placed FROM read_model.customer_summary WHERE customer_id = ?", HeldRow.CUSTOMER))
                .isEqualTo(heldOrders.size());
        assertThat(count(first, "consumer.events.applied")).as("the held batch, then its own share of the later events")
                .isGreaterThanOrEqualTo(heldOrders.size()).isLessThan(total);
        assertThat(count(second, "consumer.events.applied")).as("the later events of the partitions it took over").isPositive();
        for (MeterRegistry consumer : List.of(first, second)) {
            assertThat(count(consumer, "consumer.events.duplicates")).as("no event read again by the new owner").isZero();
            assertThat(count(consumer, "consumer.batch.retries")).isZero();
        }
    }

    /**
     * Order ids from {@code prefix}, one per partition, as the default partitioner places their keys
     * (as the relay's producer does).
     */
    private static List<String> ordersOnEveryPartition(String prefix) {
        String[] byPartition = new String[ConsumerFixture.PARTITIONS];
        for (int n = 1; Arrays.asList(byPartition).contains(null); n++) {
            String order = prefix + n;
            int partition = Utils.toPositive(Utils.murmur2(order.getBytes(StandardCharsets.UTF_8))) % byPartition.length;
            if (byPartition[partition] == null) {
                byPartition[partition] = order;
            }
        }
        return List.of(byPartition);
    }

    /** Whether a consumer's delivery loop is inside its revocation callback, waiting for the batch it is writing. */
    private static boolean aRevocationWaits() {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> {
            List<String> frames = Arrays.stream(stack).map(f -> f.getClassName() + "." + f.getMethodName()).toList();
            return frames.stream().anyMatch(f -> f.endsWith("Rebalance.onPartitionsRevoked"))
                    && frames.stream().anyMatch(f -> f.endsWith("ConsumerLoop.settle"));
        });
    }

    /** How many partitions each member of the group holds, as the group coordinator sees it. */
    private List<Integer> assignments() {
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", fixture.kafka.bootstrapServers()))) {
            List<Integer> sizes = new ArrayList<>();
            for (MemberDescription member : admin.describeConsumerGroups(List.of(fixture.group)).all().get()
                    .get(fixture.group).members()) {
                sizes.add(member.assignment().topicPartitions().size());
            }
            return sizes;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

}
