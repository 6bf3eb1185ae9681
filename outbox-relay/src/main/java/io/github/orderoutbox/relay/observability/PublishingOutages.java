package io.github.orderoutbox.relay.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this relay can publish: an outage begins when a worker's round ends because Kafka is
 * unreachable or refuses the relay, and ends when every worker has finished a round without one.
 * Each outage is logged once as ERROR when it begins and once when it ends, shown by the gauge
 * {@code relay_kafka_outage} (1 during an outage) and by the {@code publishing} health component.
 */
public class PublishingOutages {

    private static final Logger log = LoggerFactory.getLogger(PublishingOutages.class);

    /** One worker's ongoing outage: its kind, the first error that showed it, and since when. */
    public record Outage(String kind, String error, Instant since) {
    }

    private final Map<Integer, Outage> byWorker = new ConcurrentHashMap<>();
    private Instant began;

    public PublishingOutages(MeterRegistry registry) {
        Gauge.builder("relay.kafka.outage", () -> byWorker.isEmpty() ? 0 : 1)
                .description("1 while a worker cannot publish because Kafka is unreachable or refuses the relay (rows are not counted or parked meanwhile)")
                .register(registry);
    }

    /** Worker {@code worker}'s round ended in an outage of this kind. */
    public void outage(int worker, String kind, String error) {
        byWorker.computeIfAbsent(worker, w -> new Outage(kind, error, Instant.now()));
        synchronized (this) {
            if (began == null) {
                began = Instant.now();
                log.error("relay.kafka.outage kind={} worker={} error=\"{}\" effect=\"publishing stops; rows keep their attempts and are sent again when Kafka accepts them\"",
                        kind, worker, error);
            }
        }
    }

    /** Worker {@code worker} finished a round without an outage. */
    public void recovered(int worker) {
        if (byWorker.remove(worker) == null) {
            return;
        }
        synchronized (this) {
            if (began != null && byWorker.isEmpty()) {
                log.info("relay.kafka.outage.over duration_ms={}", Duration.between(began, Instant.now()).toMillis());
                began = null;
            }
        }
    }

    /** The oldest ongoing outage of a worker, if any. */
    public Optional<Outage> current() {
        return byWorker.values().stream().min((a, b) -> a.since().compareTo(b.since()));
    }
}
