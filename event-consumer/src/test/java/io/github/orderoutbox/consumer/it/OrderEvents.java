package io.github.orderoutbox.consumer.it;

import io.github.orderoutbox.model.EventHeaders;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderDelivered;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.json.EventJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Order events as the relay publishes them: key = order id, the JSON payload as value, CloudEvents
 * binary headers with the event version and the outbox position, which grows with every event made
 * here as it does in the outbox.
 */
final class OrderEvents {

    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    private final String topic;
    private final EventJson json = new EventJson();
    private final AtomicLong position = new AtomicLong();

    OrderEvents(String topic) {
        this.topic = topic;
    }

    /** A record of a typed event at its newest version, with a fresh event id and the next position. */
    ProducerRecord<byte[], byte[]> record(OrderEvent event) {
        EventType type = EventType.of(event);
        return raw(event.orderId(), type.typeName(), type.newestVersion(), UUID.randomUUID(), json.write(event));
    }

    /**
     * A record of a typed event under a given event id, at the next position: a writer that reuses
     * an id makes such a record.
     */
    ProducerRecord<byte[], byte[]> record(OrderEvent event, UUID eventId) {
        EventType type = EventType.of(event);
        return raw(event.orderId(), type.typeName(), type.newestVersion(), eventId, json.write(event));
    }

    /** A record with whatever headers and value a test wants to send, and the next position. */
    ProducerRecord<byte[], byte[]> raw(String orderId, String type, int version, UUID eventId, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        header(headers, EventHeaders.SPEC_VERSION, EventHeaders.SPEC_VERSION_1_0);
        header(headers, EventHeaders.ID, eventId.toString());
        header(headers, EventHeaders.TYPE, type);
        header(headers, EventHeaders.SOURCE, "/orders-service");
        header(headers, EventHeaders.SUBJECT, orderId);
        header(headers, EventHeaders.TIME, T0.toString());
        header(headers, EventHeaders.CONTENT_TYPE, EventHeaders.APPLICATION_JSON);
        header(headers, EventHeaders.EVENT_VERSION, Integer.toString(version));
        header(headers, EventHeaders.POSITION, Long.toString(position.incrementAndGet()));
        header(headers, EventHeaders.AGGREGATE_TYPE, "order");
        return new ProducerRecord<>(topic, null, null, orderId.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /** The same record again (same id, position and value), as a redelivery or a relay's republish sends it. */
    static ProducerRecord<byte[], byte[]> again(ProducerRecord<byte[], byte[]> record) {
        return new ProducerRecord<>(record.topic(), null, null, record.key(), record.value(), record.headers());
    }

    static OrderPlaced placed(String orderId, String customerId) {
        return OrderPlaced.of(orderId, customerId, List.of(
                OrderLine.of("1", "SKU-1", 2, Money.of("4.50", "EUR")),
                OrderLine.of("2", "SKU-UNKNOWN", 1, Money.of("10.00", "EUR"))), T0);
    }

    static OrderPaid paid(String orderId) {
        return new OrderPaid(orderId, "pay-" + orderId, new BigDecimal("19.00"), "EUR", T0.plusSeconds(60));
    }

    static OrderShipped shipped(String orderId) {
        return new OrderShipped(orderId, "DHL", "TRACK-" + orderId, T0.plusSeconds(3600));
    }

    static OrderDelivered delivered(String orderId) {
        return new OrderDelivered(orderId, T0.plusSeconds(86_400));
    }

    static OrderCancelled cancelled(String orderId) {
        return new OrderCancelled(orderId, "customer request", T0.plusSeconds(120));
    }

    /**
     * The events of {@code orders} orders, order by order: placed, paid, shipped, delivered, except
     * that every fifth order is cancelled after being paid. Customers are {@code c<order % 7>}.
     */
    List<ProducerRecord<byte[], byte[]>> lifecycles(String prefix, int orders) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            String orderId = prefix + i;
            records.add(record(placed(orderId, "c" + (i % 7))));
            records.add(record(paid(orderId)));
            if (i % 5 == 4) {
                records.add(record(cancelled(orderId)));
            } else {
                records.add(record(shipped(orderId)));
                records.add(record(delivered(orderId)));
            }
        }
        return records;
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
