package io.github.orderoutbox.consumer.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows how a pass over one partition advances: a line to the operator's terminal and a log line
 * every {@code interval}, and once more when the partition is done, e.g.
 * {@code replay: pass 2 partition 3: 12,000 of 40,000 records, 9,850 applied, 310 ev/s}.
 */
final class Progress {

    private static final Logger log = LoggerFactory.getLogger(Progress.class);

    private final PrintStream out;
    private final Duration interval;
    private final LongSupplier nanoTime;

    Progress(PrintStream out, Duration interval, LongSupplier nanoTime) {
        this.out = Objects.requireNonNull(out, "out");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Starts following one pass over one partition of {@code total} offsets. */
    Partition start(int pass, int partition, long total) {
        return new Partition(pass, partition, total);
    }

    /** One pass over one partition. */
    final class Partition {

        private final int pass;
        private final int partition;
        private final long total;
        private final long started = nanoTime.getAsLong();
        private long nextReport = started + interval.toNanos();

        private Partition(int pass, int partition, long total) {
            this.pass = pass;
            this.partition = partition;
            this.total = total;
        }

        /**
         * Reports if the interval has passed.
         *
         * @param read    offsets read so far
         * @param counted what the pass counts so far: orders touched in all partitions (pass 1), events
         *                applied in this one (pass 2)
         */
        void update(long read, long counted) {
            long now = nanoTime.getAsLong();
            if (now - nextReport >= 0) {
                report(read, counted, now);
                nextReport = now + interval.toNanos();
            }
        }

        /** Reports the final figures. */
        void done(long read, long counted) {
            report(read, counted, nanoTime.getAsLong());
        }

        private void report(long read, long counted, long now) {
            double seconds = Math.max(1e-3, (now - started) / 1e9);
            if (pass == 1) {
                long rate = Math.round(read / seconds);
                out.println(String.format(Locale.ROOT, "replay: pass 1 partition %d: %,d of %,d records, %,d orders touched so far, %,d rec/s",
                        partition, read, total, counted, rate));
                log.info("consumer.replay.progress pass=1 partition={} records_read={} records_total={} orders_touched={} records_per_s={}",
                        partition, read, total, counted, rate);
            } else {
                long rate = Math.round(counted / seconds);
                out.println(String.format(Locale.ROOT, "replay: pass 2 partition %d: %,d of %,d records, %,d applied, %,d ev/s",
                        partition, read, total, counted, rate));
                log.info("consumer.replay.progress pass=2 partition={} records_read={} records_total={} applied={} events_per_s={}",
                        partition, read, total, counted, rate);
            }
            out.flush();
        }
    }
}
