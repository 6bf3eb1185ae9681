package io.github.orderoutbox.testsupport.documentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTableTest {

    /** Stands in for a service's properties record, as bound with nothing set. */
    record Demo(Map<String, String> topics, Duration pollIntervalMin, Duration pollIntervalMax, Duration leaseTtl,
            Duration heartbeatInterval, short replication, long cacheSize, boolean createTopics,
            Map<String, String> producer) {
    }

    private static final Demo DEFAULTS = new Demo(Map.of("order", "orders.events"), Duration.ofMillis(9),
            Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(2), (short) -1, 100_000L, true, Map.of());

    private static final String AGREEING = """
            | setting | environment variable | meaning |
            | --- | --- | --- |
            | `demo.admin.password` | `DEMO_ADMIN_PASSWORD` | in another table: not a setting of the record |

            | setting | default | meaning |
            | --- | --- | --- |
            | `demo.topics.<aggregate type>` | `order=orders.events` | topics |
            | `demo.poll-interval-min` / `max` | `9ms` / `250ms` | polling |
            | `demo.lease-ttl` / `heartbeat-interval` | `10s` / `2000ms` | leases |
            | `demo.replication` | `-1` (broker default) | replication |
            | `demo.cache-size` | `100,000` | cache |
            | `demo.create-topics` | `true` | topics |
            | `demo.producer.*` | see below | producer overrides |
            """;

    @TempDir
    Path folder;

    private List<String> disagreements(String markdown) throws IOException {
        Path page = Files.writeString(folder.resolve("demo.md"), markdown);
        return SettingsTable.read(page, "demo").disagreementsWith(DEFAULTS);
    }

    @Test
    void agreesWhenEveryComponentHasItsDefaultInARow() throws IOException {
        assertThat(disagreements(AGREEING)).isEmpty();
    }

    @Test
    void namesADefaultThatDiffersFromTheBoundOne() throws IOException {
        assertThat(disagreements(AGREEING.replace("`9ms` / `250ms`", "`10ms` / `250ms`")))
                .singleElement().asString().contains("demo.poll-interval-min").contains("`10ms`").contains("PT0.009S");
    }

    @Test
    void namesAComponentWithoutARow() throws IOException {
        assertThat(disagreements(AGREEING.replace("| `demo.cache-size` | `100,000` | cache |\n", "")))
                .singleElement().asString().contains("demo.cache-size").contains("has no row");
    }

    @Test
    void namesARowWithoutAComponent() throws IOException {
        assertThat(disagreements(AGREEING + "| `demo.gone` | `1` | removed from the record |\n"))
                .singleElement().asString().contains("demo.gone").contains("no component");
    }

    @Test
    void namesAMapDefaultThatIsNotTheBoundMap() throws IOException {
        assertThat(disagreements(AGREEING.replace("`order=orders.events`", "none")))
                .singleElement().asString().contains("demo.topics");
    }

    @Test
    void namesARowWhoseDefaultsDoNotMatchItsSettingsInNumber() throws IOException {
        assertThat(disagreements(AGREEING.replace("`10s` / `2000ms`", "`10s`")))
                .singleElement().asString().contains("2 settings but 1 defaults");
    }
}
