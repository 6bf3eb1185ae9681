package io.github.orderoutbox.demo.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.orderoutbox.consumer.batch.BatchScope;
import io.github.orderoutbox.consumer.catalog.Catalog;
import io.github.orderoutbox.consumer.pipeline.EventContext;
import io.github.orderoutbox.consumer.pipeline.Outcome;
import io.github.orderoutbox.consumer.pipeline.PipeFailedException;
import io.github.orderoutbox.consumer.pipeline.Pipeline;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.pipes.EnrichOrderData;
import io.github.orderoutbox.consumer.pipes.SyncReadModel;
import io.github.orderoutbox.consumer.pipes.ValidateEventSchema;
import io.github.orderoutbox.consumer.readmodel.BusinessRuleViolationException;
import io.github.orderoutbox.consumer.readmodel.LineRow;
import io.github.orderoutbox.consumer.readmodel.OrderStatus;
import io.github.orderoutbox.consumer.readmodel.ReadModelChanges;
import io.github.orderoutbox.consumer.readmodel.ReadModelRepository;
import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.demo.DemoDatabase;
import io.github.orderoutbox.demo.traffic.OrderMix;
import io.github.orderoutbox.demo.traffic.PlannedOrder;
import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.schema.EventSchemas;
import io.github.orderoutbox.model.upcast.Upcasters;
import io.github.orderoutbox.writer.JacksonPayloads;
import io.github.orderoutbox.writer.OutboxWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The demo's outbox rows, turned into the records the relay would publish (its CloudEvents headers,
 * docs/outbox-contract.md), go through the event consumer's own pipes: schema validation and
 * upcasting, enrichment from the catalogue as {@code deploy/demo-catalog.sql} fills it, and the
 * read model's rules. Ordinary orders apply with every product known. The poison's two events reach
 * the consumer in commit order, not outbox-id order: its OrderDelivered is refused by
 * {@code SyncReadModel} with the business-rule violation the consumer dead-letters, and the two
 * apply in outbox-position order, as a redrive runs them. (Deduplication, which needs Redis, has
 * nothing to say about new events and is left out.)
 */
class ConsumerPipesIT {

    private final DemoDatabase database = DemoDatabase.migrated("demo_consumer_pipes_it");
    private final DataSource writer = database.writer();
    private final Orders orders = new Orders(new DataSourceTransactionManager(writer), new OrderRepository(new JdbcTemplate(writer)),
            new OutboxWriter(writer), new JacksonPayloads(new EventJson().mapper()), Clock.systemUTC());
    private final ReadModelRepository readModel;
    private final Pipeline<EventContext> consumerPipes;

    ConsumerPipesIT() throws Exception {
        MigrationSet.READ_MODEL.migrate(database.admin);
        database.adminJdbc.execute(Files.readString(Path.of(System.getProperty("project.root", ".."), "deploy", "demo-catalog.sql")));
        EventJson json = new EventJson();
        readModel = new ReadModelRepository(database.adminJdbc, json.mapper());
        consumerPipes = Pipeline.of(List.of(
                new ValidateEventSchema(EventSchemas.load(), Upcasters.standard(), json),
                new EnrichOrderData(new Catalog(database.adminJdbc, Duration.ofMinutes(5), 1000)),
                new SyncReadModel(readModel)));
    }

    @Test
    void theDemosOrdersApplyAndItsPoisonArrivesInCommitOrderIsRefusedAndAppliesInOutboxPositionOrder() throws Exception {
        OrderMix mix = new OrderMix(Clock.systemUTC());
        SplittableRandom random = new SplittableRandom(16);
        PlannedOrder delivered = mix.next("o-delivered", false, random);
        orders.place(delivered.order());
        orders.pay("o-delivered", "pay-1");
        orders.ship("o-delivered", "DHL", "TRK1");
        orders.deliver("o-delivered");
        PlannedOrder cancelled = mix.next("o-cancelled", false, random);
        orders.place(cancelled.order());
        orders.cancel("o-cancelled", "customer request");
        PlannedOrder poisoned = mix.next("o-poison", true, random);
        orders.place(poisoned.order());
        orders.pay("o-poison", "pay-2");

        // A relay: publishes each row once it is committed, in id order among those it sees.
        Relay relay = new Relay();
        SkippedLock poison;
        Thread publishing = new Thread(relay::publishUntilStopped, "relay");
        publishing.start();
        try {
            poison = orders.shipAndDeliverSkippingTheLock("o-poison", "UPS", "TRK2", Duration.ofMillis(500));
            orders.recordDelivery("o-poison");
        } finally {
            relay.stop();
            publishing.join(10_000);
        }
        List<ReceivedEvent> records = relay.published();
        assertThat(records.stream().filter(record -> record.key().equals("o-poison")).map(ConsumerPipesIT::eventId))
                .as("the poison's events in the order they were published")
                .containsExactly(eventId(records, "o-poison", 0), eventId(records, "o-poison", 1),
                        poison.deliveredEventId().toString(), poison.shippedEventId().toString());
        assertThat(position(records, poison.shippedEventId())).as("OrderShipped's outbox id")
                .isLessThan(position(records, poison.deliveredEventId()));

        BatchScope batch = new BatchScope(1);
        new SyncReadModel(readModel).beforeBatch(batch, records);
        ReceivedEvent deliveredFirst = record(records, poison.deliveredEventId());
        ReceivedEvent shippedLast = record(records, poison.shippedEventId());
        for (ReceivedEvent record : records) {
            if (record != deliveredFirst && record != shippedLast) {
                assertThat(consumerPipes.send(new EventContext(record, 1, batch)))
                        .as("%s of %s", record.headers().get(EventHeaders.TYPE), record.key())
                        .isInstanceOf(Outcome.Completed.class);
            }
        }
        assertThatThrownBy(() -> consumerPipes.send(new EventContext(deliveredFirst, 1, batch)))
                .isInstanceOf(PipeFailedException.class)
                .cause().isInstanceOf(BusinessRuleViolationException.class)
                .hasMessage("order o-poison: delivered, but the order is paid");
        assertThat(batch.changes().order("o-poison").orElseThrow().status()).isEqualTo(OrderStatus.PAID);

        // The consumer parks OrderShipped behind the dead letter; redrive runs both by outbox position.
        List<ReceivedEvent> redriven = List.of(deliveredFirst, shippedLast).stream()
                .sorted(Comparator.comparingLong(record -> Long.parseLong(record.headers().get(EventHeaders.POSITION))))
                .toList();
        assertThat(redriven).containsExactly(shippedLast, deliveredFirst);
        for (ReceivedEvent record : redriven) {
            assertThat(consumerPipes.send(new EventContext(record, 1, batch))).isInstanceOf(Outcome.Completed.class);
        }

        ReadModelChanges changes = batch.changes();
        assertThat(changes.order("o-delivered").orElseThrow().status()).isEqualTo(OrderStatus.DELIVERED);
        assertThat(changes.order("o-cancelled").orElseThrow().status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(changes.order("o-poison").orElseThrow().status()).isEqualTo(OrderStatus.DELIVERED);
        assertThat(changes.lines()).isNotEmpty().allSatisfy(line -> assertThat(line.productName()).isNotNull());
        assertThat(changes.lines()).extracting(LineRow::orderId).contains("o-delivered", "o-cancelled", "o-poison");
    }

    private static String eventId(ReceivedEvent record) {
        return record.headers().get(EventHeaders.ID);
    }

    private static String eventId(List<ReceivedEvent> records, String orderId, int index) {
        return eventId(records.stream().filter(record -> record.key().equals(orderId)).toList().get(index));
    }

    private static ReceivedEvent record(List<ReceivedEvent> records, UUID eventId) {
        return records.stream().filter(record -> eventId(record).equals(eventId.toString())).findFirst().orElseThrow();
    }

    private static long position(List<ReceivedEvent> records, UUID eventId) {
        return Long.parseLong(record(records, eventId).headers().get(EventHeaders.POSITION));
    }

    /**
     * What the relay does, as far as order goes: every few milliseconds it reads the committed rows
     * it has not published yet, in id order, and publishes them as records with the outbox
     * contract's key, value and headers. A row committed late is published late, whatever its id.
     */
    private final class Relay {

        private final List<ReceivedEvent> published = new CopyOnWriteArrayList<>();
        private volatile boolean stopped;

        void publishUntilStopped() {
            try {
                while (!stopped) {
                    publishCommitted();
                    Thread.sleep(10);
                }
                publishCommitted();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            stopped = true;
        }

        List<ReceivedEvent> published() {
            return List.copyOf(published);
        }

        private void publishCommitted() {
            Long[] done = published.stream().map(record -> Long.parseLong(record.headers().get(EventHeaders.POSITION)))
                    .toArray(Long[]::new);
            database.adminJdbc.query("""
                    SELECT id, event_id, aggregate_type, aggregate_id, event_type, event_version, payload::text, created_at
                    FROM outbox WHERE NOT (id = ANY (?)) ORDER BY id""", rs -> {
                OffsetDateTime created = rs.getObject("created_at", OffsetDateTime.class);
                Map<String, String> headers = Map.of(
                        EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_1_0,
                        EventHeaders.ID, rs.getString("event_id"),
                        EventHeaders.TYPE, rs.getString("event_type"),
                        EventHeaders.SOURCE, "/orders-service",
                        EventHeaders.SUBJECT, rs.getString("aggregate_id"),
                        EventHeaders.TIME, created.toInstant().toString(),
                        EventHeaders.CONTENT_TYPE, EventHeaders.APPLICATION_JSON,
                        EventHeaders.EVENT_VERSION, Integer.toString(rs.getInt("event_version")),
                        EventHeaders.POSITION, Long.toString(rs.getLong("id")),
                        EventHeaders.AGGREGATE_TYPE, rs.getString("aggregate_type"));
                published.add(new ReceivedEvent("orders.events", 0, published.size(), created.toInstant(),
                        rs.getString("aggregate_id"), headers, rs.getString("payload").getBytes(StandardCharsets.UTF_8)));
            }, (Object) done);
        }
    }
}
