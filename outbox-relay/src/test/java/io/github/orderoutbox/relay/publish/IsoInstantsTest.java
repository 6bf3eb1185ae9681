package io.github.orderoutbox.relay.publish;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    @Test
    void writesWhatInstantToStringWritesForEveryPrecision() {
        for (String text : new String[] {"2026-11-28T08:15:30Z", "2026-11-28T08:15:30.100Z", "2026-11-28T08:15:30.123456Z",
                "2026-11-28T08:15:30.000001Z", "2026-11-28T08:15:30.123456789Z", "1999-12-31T23:59:59.999Z",
                "2024-02-29T00:00:00.000000001Z", "1000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
            Instant instant = Instant.parse(text);
            assertThat(new String(IsoInstants.format(instant), US_ASCII)).isEqualTo(instant.toString()).isEqualTo(text);
        }
    }

    @Test
    void agreesWithInstantToStringOnRandomInstantsAtEachPrecision() {
        SplittableRandom random = new SplittableRandom(42);
        long first = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
        long end = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
        int[] units = {1_000_000_000, 1_000_000, 1_000, 1};
        for (int i = 0; i < 100_000; i++) {
            int unit = units[i % units.length];
            Instant instant = Instant.ofEpochSecond(random.nextLong(first, end), random.nextInt(1_000_000_000 / unit) * (long) unit);
            assertThat(new String(IsoInstants.format(instant), US_ASCII)).isEqualTo(instant.toString());
        }
    }

    @Test
    void leavesYearsOutsideFourDigitsToInstantToString() {
        for (Instant instant : new Instant[] {Instant.parse("0999-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN}) {
            assertThat(new String(IsoInstants.format(instant), US_ASCII)).isEqualTo(instant.toString());
        }
    }
}
