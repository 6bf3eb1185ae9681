package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.testsupport.ServiceJar;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole way: an orders service appends events to the outbox in its transactions, the relay
 * (its packaged jar, as its own process) publishes them, the consumer applies them. A relay killed
 * with SIGKILL while publishing republishes what it had not marked, and the consumer applies those
 * events once.
 */
class RelayToReadModelIT {

    private static final String WAITING_MARK = """
            SELECT count(*) FROM pg_stat_activity
             WHERE wait_event_type = 'Lock' AND query LIKE '%UPDATE outbox o%SET published_at =%'
            """;

    private final EventJson json = new EventJson();
    private ConsumerFixture fixture;
    private final List<Process> relays = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
        MigrationSet.OUTBOX.migrate(fixture.admin); // one database for both sides, as by default
    }

    @AfterEach
    void tearDown() {
        relays.forEach(Process::destroyForcibly);
        fixture.close();
    }

    @Test
    void appliesWhatTheOrdersServiceWroteOnceThroughARelayCrash() throws Exception {
        int orders = 300;
        List<OrderEvent> lifecycle = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            String orderId = "e2e-" + i;
            lifecycle.add(OrderEvents.placed(orderId, "c" + (i % 7)));
            lifecycle.add(OrderEvents.paid(orderId));
            lifecycle.add(i % 5 == 4 ? OrderEvents.cancelled(orderId) : OrderEvents.shipped(orderId));
        }
        // The orders service: one transaction per event, the outbox row being its only change here.
        for (OrderEvent event : lifecycle) {
            append(event);
        }
        fixture.startConsumer();

        // EXCLUSIVE lets the relay read and send a batch but blocks the UPDATE that marks it: the
        // batch is in Kafka, acknowledged, and not marked when the relay dies.
        try (Connection lockHolder = fixture.admin.getConnection()) {
            lockHolder.setAutoCommit(false);
            lockHolder.createStatement().execute("LOCK TABLE outbox IN EXCLUSIVE MODE");
            Process relay = startRelay("relay-e2e-1.log");
            await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count(WAITING_MARK) > 0);
            relay.destroyForcibly().waitFor();
            // A backend waiting for a lock would still run the UPDATE once the lock is free; end it.
            fixture.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid IN ("
                    + WAITING_MARK.replace("count(*)", "pid") + ")");
            lockHolder.rollback();
        }
        assertThat(fixture.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count("SELECT count(*) FROM read_model.applied_event") > 0);
        startRelay("relay-e2e-2.log"); // publishes everything, the first relay's batch again

        await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(lifecycle.size()));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                fixture.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group))
                .isEqualTo(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.topic)));

        assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(lifecycle.size());
        assertThat(Kafka.endOffsetsTotal(fixture.kafka.bootstrapServers(), fixture.topic))
                .as("records in the topic: the first relay's batch twice").isGreaterThan(lifecycle.size());
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE status = 'SHIPPED'")).isEqualTo(240);
        assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE status = 'CANCELLED'")).isEqualTo(60);
        assertThat(fixture.jdbc.queryForMap("SELECT sum(orders_placed) AS placed, sum(orders_cancelled) AS cancelled,"
                + " sum(total_paid)::text AS paid FROM read_model.customer_summary"))
                .containsEntry("placed", 300L).containsEntry("cancelled", 60L).containsEntry("paid", "5700.00");
        // Each order's last position is the outbox id of its last event: applied in outbox order.
        assertThat(fixture.count("""
                SELECT count(*) FROM read_model.order_summary s
                WHERE s.last_position <> (SELECT max(o.id) FROM outbox o WHERE o.aggregate_id = s.order_id)""")).isZero();
        assertThat(fixture.count("SELECT count(*) FROM read_model.blocked_order")).isZero();
    }

    private void append(OrderEvent event) {
        EventType type = EventType.of(event);
        fixture.jdbc.update("INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload)"
                        + " VALUES (?, ?, ?, ?, ?::jsonb)",
                UUID.randomUUID(), event.orderId(), type.typeName(), type.newestVersion(), json.writeString(event));
    }

    private Process startRelay(String log) throws IOException {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("spring.datasource.url", fixture.jdbcUrl());
        settings.put("spring.datasource.username", fixture.postgres.adminUser());
        settings.put("spring.datasource.password", fixture.postgres.adminPassword());
        settings.put("spring.flyway.enabled", "false");
        settings.put("spring.kafka.bootstrap-servers", fixture.kafka.bootstrapServers());
        settings.put("relay.topics.order", fixture.topic);
        settings.put("relay.retention", "1h");
        settings.put("relay.lease-ttl", "3s");
        settings.put("relay.lease-safety-margin", "1s");
        settings.put("relay.heartbeat-interval", "300ms");
        settings.put("server.port", "0");
        Process process = ServiceJar.start("relay.jar", settings, Path.of("target", log));
        relays.add(process);
        return process;
    }
}
