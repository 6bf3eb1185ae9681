package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A consumer killed with SIGKILL in the middle of a batch loses nothing and applies nothing twice:
 * the batch's transaction never committed and neither did its offsets, so the next consumer reads
 * the batch again and applies it once.
 */
class ConsumerCrashIT {

    private ConsumerFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new ConsumerFixture(TestServers.postgres(), TestServers.kafka(), TestServers.redis());
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void losesAndDoublesNothingWhenKilledMidBatch() throws Exception {
        OrderEvents events = new OrderEvents(fixture.topic);
        List<ProducerRecord<byte[], byte[]>> first = events.lifecycles("a-", 100);
        Kafka.send(fixture.kafka.bootstrapServers(), first);
        Map<String, String> settings = Map.of("consumer.max-poll-records", "50");
        Process consumer = fixture.startConsumerProcess(settings, Path.of("target", "consumer-crash-1.log"));
        await().atMost(Duration.ofSeconds(90)).until(() -> fixture.count("SELECT count(*) FROM read_model.applied_event") >= 100);

        try (Connection lock = fixture.admin.getConnection()) {
            // Hold the consumer's next batch at its write: it has read its records, run them through
            // the pipes and sent its statements, and waits inside its transaction.
            lock.setAutoCommit(false);
            try (Statement statement = lock.createStatement()) {
                statement.execute("LOCK TABLE read_model.applied_event IN EXCLUSIVE MODE");
            }
            List<ProducerRecord<byte[], byte[]>> second = events.lifecycles("b-", 100);
            Kafka.send(fixture.kafka.bootstrapServers(), second);
            await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                            + " AND query LIKE '%read_model.applied_event%'") > 0);
            long appliedBeforeKill = fixture.count("SELECT count(*) FROM read_model.applied_event");

            consumer.destroyForcibly().waitFor();
            // The killed process's server sessions would linger until Postgres noticed; end them.
            fixture.jdbc.queryForList("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    + " AND application_name LIKE 'PostgreSQL JDBC%' AND wait_event_type = 'Lock'");
            lock.rollback();
            assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(appliedBeforeKill);

            fixture.startConsumerProcess(settings, Path.of("target", "consumer-crash-2.log"));
            int total = first.size() + second.size();
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                    assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(total));
            assertThat(fixture.count("SELECT count(*) FROM read_model.applied_event")).isEqualTo(total);
            assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary")).isEqualTo(200);
            assertThat(fixture.count("SELECT count(*) FROM read_model.order_line")).isEqualTo(400);
            // 200 orders of 19.00 each over 7 customers, every fifth cancelled: nothing counted twice.
            assertThat(fixture.jdbc.queryForMap("SELECT sum(orders_placed) AS placed, sum(orders_cancelled) AS cancelled,"
                    + " sum(total_paid)::text AS paid FROM read_model.customer_summary"))
                    .containsEntry("placed", 200L).containsEntry("cancelled", 40L).containsEntry("paid", "3800.00");
            assertThat(fixture.count("SELECT count(*) FROM read_model.order_summary WHERE status = 'DELIVERED'")).isEqualTo(160);
        }
    }
}
