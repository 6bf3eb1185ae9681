package io.github.orderoutbox.relay.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.relay.publish.ProducerFactory;
import io.github.orderoutbox.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * Kafka refusing the relay (authentication, authorisation, an unsupported protocol) or a producer in
 * a fatal state is an outage, not a fault of the rows: however many rounds it lasts, no row's
 * attempts grow and nothing is parked; the outage shows in a gauge and in health, a producer that
 * may be in a fatal state is replaced, and the rows are published as soon as Kafka accepts them.
 *
 * <p>The producer is Kafka's {@link MockProducer} (a broker with SASL and ACLs costs more than the
 * classification it would test), failing its sends with the errors a real producer reports;
 * Postgres, the topic look-ups and the rest of the relay are real.
 */
class KafkaRefusesTheRelayIT {

    private static final int ORDERS = 5;
    private static final int EVENTS_PER_ORDER = 2;
    private static final int MAX_ATTEMPTS = 2;

    /** The producers of the relay under test; a static field, as the test configuration is built by Spring. */
    static RefusingProducers producers;

    private RelayFixture fixture;

    @Configuration(proxyBeanMethods = false)
    static class RefusingProducerConfiguration {
        @Bean
        @Primary
        ProducerFactory refusingProducers() {
            return producers;
        }
    }

    @AfterEach
    void tearDown() {
        if (fixture != null) {
            fixture.close();
        }
    }

    static Stream<Arguments> refusals() {
        return Stream.<Supplier<RuntimeException>>of(
                () -> new TopicAuthorizationException(Set.of("orders.events")),
                () -> new ClusterAuthorizationException("Cluster authorization failed."),
                () -> new SaslAuthenticationException("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512"),
                () -> new UnsupportedVersionException("The broker does not support INIT_PRODUCER_ID"),
                () -> new ProducerFencedException("There is a newer producer with the same transactionalId which fences the current one."),
                () -> new OutOfOrderSequenceException("The broker received an out of order sequence number."),
                // What a producer left in a fatal state answers to every later send.
                () -> new KafkaException("Cannot perform send because at least one previous transactional or idempotent request has failed with errors.",
                        new ClusterAuthorizationException("Cluster authorization failed.")))
                .map(error -> Arguments.of(error.get().getClass().getSimpleName(), error));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void anOutageOfAnyLengthParksNothingAndThePendingRowsArePublishedWhenItEnds(String name, Supplier<RuntimeException> error) {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        producers = new RefusingProducers(fixture.topic);
        producers.failure.set(error);
        ConfigurableApplicationContext relay = startRelay();
        writeOrders();

        // Every pending order is tried more than relay.max-attempts times while Kafka refuses the relay.
        int enoughRefusals = ORDERS * (MAX_ATTEMPTS + 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> producers.refusedSends.get() >= enoughRefusals || parkedOrRetrying() > 0);

        assertThat(parkedOrRetrying()).as("rows parked or with attempts counted after %d refused sends", producers.refusedSends.get()).isZero();
        assertThat(fixture.published()).isZero();
        MeterRegistry meters = relay.getBean(MeterRegistry.class);
        assertThat(meters.get("relay.kafka.outage").gauge().value()).isEqualTo(1.0);
        HealthIndicator publishing = relay.getBean("publishingHealthIndicator", HealthIndicator.class);
        assertThat(publishing.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(publishing.health().getDetails().get("error").toString()).contains(name);
        assertThat(producers.created.get()).as("producers created: the first, and one after each refused round").isGreaterThan(2);

        producers.failure.set(null); // the operator fixes the credentials or the ACLs

        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.published() == ORDERS * EVENTS_PER_ORDER);
        assertThat(parkedOrRetrying()).isZero();
        assertThat(meters.get("relay.kafka.outage").gauge().value()).isZero();
        assertThat(publishing.health().getStatus()).isEqualTo(Status.UP);
        assertThat(producers.sentInOrder()).as("each order's events, in the order the producers accepted them")
                .isEqualTo(expectedOrder());
    }

    @Test
    void aClosedProducerIsReplacedAndNoRowIsBlamed() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
        producers = new RefusingProducers(fixture.topic);
        startRelay();
        producers.all.get(0).close(); // sends now throw IllegalStateException, as a closed KafkaProducer's do

        writeOrders();

        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.published() == ORDERS * EVENTS_PER_ORDER || parkedOrRetrying() > 0);
        assertThat(parkedOrRetrying()).isZero();
        assertThat(fixture.published()).isEqualTo(ORDERS * EVENTS_PER_ORDER);
        assertThat(producers.created.get()).isEqualTo(2);
    }

    private ConfigurableApplicationContext startRelay() {
        return fixture.startRelay(Map.of(
                "relay.max-attempts", String.valueOf(MAX_ATTEMPTS),
                "relay.retry-backoff-min", "100ms",
                "relay.retry-backoff-max", "200ms",
                "relay.outage-backoff-max", "300ms"), RefusingProducerConfiguration.class);
    }

    private void writeOrders() {
        OrderWriter writer = new OrderWriter(fixture.admin);
        for (int seq = 0; seq < EVENTS_PER_ORDER; seq++) {
            for (int order = 0; order < ORDERS; order++) {
                writer.append(OrderWriter.orderId(order));
            }
        }
    }

    private Map<String, List<Long>> expectedOrder() {
        Map<String, List<Long>> expected = new TreeMap<>();
        fixture.jdbc.query("SELECT aggregate_id, id FROM outbox ORDER BY id",
                rs -> { expected.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2)); });
        return expected;
    }

    private long parkedOrRetrying() {
        return fixture.count("SELECT count(*) FROM outbox WHERE attempts > 0 OR parked_at IS NOT NULL");
    }

    /**
     * Creates {@link MockProducer}s that acknowledge every send at once, or fail it with
     * {@link #failure} while that is set, as a producer reports a broker's refusal.
     */
    static final class RefusingProducers implements ProducerFactory {
        final AtomicReference<Supplier<RuntimeException>> failure = new AtomicReference<>();
        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger refusedSends = new AtomicInteger();
        final List<MockProducer<byte[], byte[]>> all = new CopyOnWriteArrayList<>();
        final List<ProducerRecord<byte[], byte[]>> acknowledged = new CopyOnWriteArrayList<>();
        private final Cluster cluster;

        RefusingProducers(String topic) {
            Node node = new Node(0, "localhost", 9092);
            List<PartitionInfo> partitions = IntStream.range(0, 6)
                    .mapToObj(p -> new PartitionInfo(topic, p, node, new Node[] {node}, new Node[] {node})).toList();
            this.cluster = new Cluster("refusing", List.of(node), partitions, Set.of(), Set.of());
        }

        @Override
        public Producer<byte[], byte[]> create() {
            created.incrementAndGet();
            MockProducer<byte[], byte[]> producer = new MockProducer<>(cluster, false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                @Override
                public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                    Future<RecordMetadata> sent = super.send(record, callback);
                    Supplier<RuntimeException> refusal = failure.get();
                    if (refusal == null) {
                        acknowledged.add(record);
                        completeNext();
                    } else {
                        refusedSends.incrementAndGet();
                        errorNext(refusal.get());
                    }
                    return sent;
                }
            };
            all.add(producer);
            return producer;
        }

        /** The outbox positions of the acknowledged records, per order, in the order they were acknowledged. */
        Map<String, List<Long>> sentInOrder() {
            Map<String, List<Long>> sent = new TreeMap<>();
            for (ProducerRecord<byte[], byte[]> record : acknowledged) {
                sent.computeIfAbsent(new String(record.key(), UTF_8), k -> new ArrayList<>())
                        .add(Long.parseLong(new String(record.headers().lastHeader(EventHeaders.POSITION).value(), UTF_8)));
            }
            return sent;
        }
    }
}
