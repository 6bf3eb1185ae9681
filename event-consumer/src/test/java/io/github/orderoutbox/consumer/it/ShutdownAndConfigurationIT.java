package io.github.orderoutbox.consumer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.testsupport.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A stopping consumer commits what it applied and leaves its group; a bad setting stops the start with its name. */
class ShutdownAndConfigurationIT {

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
    void commitsWhatItAppliedAndLeavesTheGroupWhenStopped() throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new OrderEvents(fixture.topic).lifecycles("o-", 200);
        Kafka.send(fixture.kafka.bootstrapServers(), records);
        var consumer = fixture.startConsumer(Map.of("consumer.max-poll-records", "20"));
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.count("SELECT count(*) FROM read_model.applied_event") > 100);

        consumer.close(); // mid-stream

        long applied = fixture.count("SELECT count(*) FROM read_model.applied_event");
        assertThat(applied).isLessThan(records.size());
        // Every applied record's offset is committed, and nothing beyond: the next consumer starts exactly there.
        assertThat(Kafka.committedTotal(fixture.kafka.bootstrapServers(), fixture.group)).isEqualTo(applied);
        assertThat(Kafka.partitionsPerMember(fixture.kafka.bootstrapServers(), fixture.group))
                .as("members after a graceful stop").isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "consumer.topic;'';consumer.topic",
            "consumer.max-poll-records;0;maxPollRecords",
            "consumer.dead-letter-topic;SAME;dead-letter-topic must differ",
            "consumer.retry-backoff-max;10m;retry-backoff-min must be positive",
            "consumer.mode;SOMETIMES;consumer.mode"})
    void refusesToStartWithABadSetting(String key, String value, String named) {
        String setting = "SAME".equals(value) ? fixture.topic : value;
        assertThatThrownBy(() -> fixture.startConsumer(Map.of(key, setting)))
                .hasStackTraceContaining(named);
    }
}
