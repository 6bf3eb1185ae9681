package io.github.orderoutbox.relay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.orderoutbox.testsupport.TestServers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A bad {@code relay.*} setting stops the relay at start-up, with a message naming the property. */
class ConfigurationValidationIT {

    private static RelayFixture fixture;

    @BeforeAll
    static void createDatabase() {
        fixture = RelayFixture.create(TestServers.postgres(), TestServers.kafka());
    }

    @AfterAll
    static void dropRelays() {
        fixture.close();
    }

    @Test
    void refusesABatchSizeOfZero() {
        assertStartFailsNaming(Map.of("relay.batch-size", "0"), "relay.batch-size");
    }

    @Test
    void refusesAMinimumPollIntervalAboveTheMaximum() {
        assertStartFailsNaming(Map.of("relay.poll-interval-min", "1s", "relay.poll-interval-max", "10ms"),
                "relay.poll-interval-min", "relay.poll-interval-max");
    }

    @Test
    void refusesAHeartbeatIntervalThatDoesNotFitInTheLease() {
        assertStartFailsNaming(Map.of("relay.heartbeat-interval", "5s", "relay.lease-ttl", "3s"),
                "relay.heartbeat-interval", "relay.lease-ttl");
    }

    @Test
    void refusesAnEmptySource() {
        assertStartFailsNaming(Map.of("relay.source", " "), "relay.source");
    }

    @Test
    void startsWithTheSameSettingsWhenTheyAreValid() {
        // The control: the failures above come from the values, not from the fixture's settings.
        var relay = fixture.startRelay(Map.of("relay.batch-size", "1", "relay.poll-interval-min", "10ms",
                "relay.poll-interval-max", "1s", "relay.heartbeat-interval", "1s", "relay.lease-ttl", "3s"));
        assertThat(relay.isRunning()).isTrue();
    }

    private static void assertStartFailsNaming(Map<String, String> settings, String... properties) {
        Throwable failure = catchThrowable(() -> fixture.startRelay(settings));

        assertThat(failure).as("start-up with %s", settings).isNotNull();
        String messages = messagesOf(failure);
        for (String property : properties) {
            assertThat(messages).as("messages of the start-up failure").contains(property);
        }
    }

    /** The messages of a throwable, its causes and their suppressed exceptions, one a line. */
    private static String messagesOf(Throwable failure) {
        List<String> messages = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> todo = new ArrayList<>(List.of(failure));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(0);
            if (t == null || !seen.add(t)) {
                continue;
            }
            messages.add(t.getClass().getName() + ": " + t.getMessage());
            todo.add(t.getCause());
            todo.addAll(List.of(t.getSuppressed()));
        }
        return String.join("\n", messages);
    }
}
