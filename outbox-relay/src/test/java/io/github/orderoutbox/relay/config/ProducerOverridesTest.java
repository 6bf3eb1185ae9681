package io.github.orderoutbox.relay.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/**
 * {@code relay.producer.*} may tune the producer but not weaken what the relay promises: an
 * override that could reorder an order's events or lose an acknowledged one stops the start, with
 * a message naming the property.
 */
class ProducerOverridesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RelayProperties.class)
    static class BindRelayProperties {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(BindRelayProperties.class);

    @Test
    void refusesTurningIdempotenceOff() {
        assertRefused("relay.producer.enable.idempotence=false", "relay.producer.enable.idempotence");
    }

    @Test
    void refusesAcksOtherThanAll() {
        assertRefused("relay.producer.acks=1", "relay.producer.acks");
        assertRefused("relay.producer.acks=0", "relay.producer.acks");
    }

    @Test
    void refusesMoreThanFiveRequestsInFlight() {
        assertRefused("relay.producer.max.in.flight.requests.per.connection=6", "relay.producer.max.in.flight.requests.per.connection");
    }

    @Test
    void refusesAFiniteRetryCount() {
        assertRefused("relay.producer.retries=3", "relay.producer.retries");
        assertRefused("relay.producer.retries=0", "relay.producer.retries");
    }

    @Test
    void refusesTransactionsAndOtherSerializersAndPartitioners() {
        assertRefused("relay.producer.transactional.id=relay-1", "relay.producer.transactional.id");
        assertRefused("relay.producer.key.serializer=org.apache.kafka.common.serialization.StringSerializer",
                "relay.producer.key.serializer");
        assertRefused("relay.producer.value.serializer=org.apache.kafka.common.serialization.StringSerializer",
                "relay.producer.value.serializer");
        assertRefused("relay.producer.partitioner.class=org.apache.kafka.clients.producer.RoundRobinPartitioner",
                "relay.producer.partitioner.class");
        assertRefused("relay.producer.partitioner.ignore.keys=true", "relay.producer.partitioner.ignore.keys");
    }

    @Test
    void namesEveryRefusedOverrideAtOnce() {
        assertRefused(List.of("relay.producer.acks=1", "relay.producer.enable.idempotence=false"),
                "relay.producer.acks", "relay.producer.enable.idempotence");
    }

    @Test
    void acceptsTuningAndSettingsThatKeepTheGuarantees() {
        runner.withPropertyValues("relay.producer.compression.type=lz4", "relay.producer.linger.ms=5",
                        "relay.producer.batch.size=65536", "relay.producer.client.id=relay-a",
                        "relay.producer.security.protocol=SASL_SSL", "relay.producer.sasl.mechanism=SCRAM-SHA-512",
                        "relay.producer.acks=-1", "relay.producer.enable.idempotence=true",
                        "relay.producer.max.in.flight.requests.per.connection=1", "relay.producer.retries=2147483647",
                        "relay.producer.delivery.timeout.ms=60000", "relay.producer.max.request.size=2097152")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(RelayProperties.class));
    }

    private void assertRefused(String setting, String... named) {
        assertRefused(List.of(setting), named);
    }

    private void assertRefused(List<String> settings, String... named) {
        runner.withPropertyValues(settings.toArray(String[]::new)).run(context -> {
            assertThat(context).as("start-up with %s", settings).hasFailed();
            String messages = messagesOf(context);
            for (String property : named) {
                assertThat(messages).as("messages of the start-up failure with %s", settings).contains(property);
            }
        });
    }

    private static String messagesOf(AssertableApplicationContext context) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            messages.add(t.getMessage());
        }
        return String.join("\n", messages);
    }
}
