package io.github.orderoutbox.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.model.StoredSamples.Sample;
import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.json.EventJson;
import io.github.orderoutbox.model.schema.EventSchemas;
import io.github.orderoutbox.model.upcast.Upcasters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The promise of schema evolution, checked on every stored sample of every version under
 * {@code src/test/resources/samples/<type>/v<version>/}: adding a sample file adds a case.
 */
class EventSamplesTest {

    private static final EventSchemas SCHEMAS = EventSchemas.load();
    private static final Upcasters UPCASTERS = Upcasters.standard();
    private static final EventJson JSON = new EventJson();

    static List<Sample> samples() {
        return StoredSamples.in("samples");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyStoredSampleValidatesAgainstTheSchemaOfItsVersion(Sample sample) {
        assertThat(SCHEMAS.validate(sample.type(), sample.version(), sample.bytes())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyStoredSampleUpcastsToTheNewestVersionWhichValidatesToo(Sample sample) {
        JsonNode payload = SCHEMAS.requireValid(sample.type(), sample.version(), sample.bytes());

        JsonNode newest = UPCASTERS.toNewest(sample.type(), sample.version(), payload);

        int newestVersion = UPCASTERS.newestVersion(sample.type());
        assertThat(SCHEMAS.validate(sample.type(), newestVersion, newest)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everyStoredSampleReadsIntoItsRecordOnceUpcastAndWritesBackToAValidPayload(Sample sample) {
        JsonNode newest = UPCASTERS.toNewest(sample.type(), sample.version(), JSON.readTree(sample.bytes()));

        OrderEvent event = JSON.read(sample.type(), newest);

        assertThat(event).isInstanceOf(EventType.of(sample.type()).recordType());
        assertThat(event.orderId()).isEqualTo(newest.get("order_id").stringValue());
        byte[] written = JSON.write(event);
        assertThat(SCHEMAS.validate(sample.type(), UPCASTERS.newestVersion(sample.type()), written)).isEmpty();
        assertThat(JSON.read(sample.type(), JSON.readTree(written))).isEqualTo(event);
    }

    @Test
    void everyVersionOfEveryTypeHasAtLeastTwoSamples() {
        Map<String, Long> perVersion = samples().stream()
                .collect(Collectors.groupingBy(sample -> sample.type() + " v" + sample.version(), TreeMap::new, Collectors.counting()));

        for (EventType type : EventType.values()) {
            for (int version = 1; version <= type.newestVersion(); version++) {
                assertThat(perVersion.getOrDefault(type.typeName() + " v" + version, 0L))
                        .as("samples of %s v%d", type.typeName(), version)
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void samplesExistOnlyForKnownTypesAndVersions() {
        for (Sample sample : samples()) {
            assertThat(EventType.find(sample.type())).as("type of %s", sample).isPresent();
            assertThat(sample.version()).as("version of %s", sample)
                    .isBetween(1, EventType.of(sample.type()).newestVersion());
        }
    }
}
