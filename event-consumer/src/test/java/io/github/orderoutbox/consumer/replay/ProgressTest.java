package io.github.orderoutbox.consumer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Duration.ofSeconds(2), now::get);

    @Test
    void reportsEveryIntervalAndAtTheEnd() {
        Progress.Partition pass2 = progress.start(2, 3, 40_000);

        advance(1_000);
        pass2.update(5_000, 300);   // 1 s in: too early
        advance(1_000);
        pass2.update(12_000, 620);  // 2 s in: reported
        advance(1_500);
        pass2.update(20_000, 1_000); // 1.5 s after the last report: too early
        advance(500);
        pass2.update(26_000, 1_240); // 2 s after it: reported
        advance(1_000);
        pass2.done(40_000, 1_550);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "replay: pass 2 partition 3: 12,000 of 40,000 records, 620 applied, 310 ev/s",
                "replay: pass 2 partition 3: 26,000 of 40,000 records, 1,240 applied, 310 ev/s",
                "replay: pass 2 partition 3: 40,000 of 40,000 records, 1,550 applied, 310 ev/s");
    }

    @Test
    void countsRecordsPerSecondInPassOne() {
        Progress.Partition pass1 = progress.start(1, 0, 9_000);

        advance(3_000);
        pass1.done(9_000, 1_234);

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "replay: pass 1 partition 0: 9,000 of 9,000 records, 1,234 orders touched so far, 3,000 rec/s");
    }

    private void advance(long millis) {
        now.addAndGet(millis * 1_000_000L);
    }
}
