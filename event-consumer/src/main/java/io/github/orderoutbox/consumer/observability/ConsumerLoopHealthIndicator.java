package io.github.orderoutbox.consumer.observability;

import io.github.orderoutbox.consumer.kafka.ConsumerLoop;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The delivery loop: up while it runs, also while it retries a batch through an outage (the
 * outage shows in the health of Postgres, Redis or Kafka, and the consumer recovers by itself);
 * down when the loop has stopped or failed.
 */
public final class ConsumerLoopHealthIndicator implements HealthIndicator {

    private final ConsumerLoop loop;

    public ConsumerLoopHealthIndicator(ConsumerLoop loop) {
        this.loop = loop;
    }

    @Override
    public Health health() {
        ConsumerLoop.LoopState state = loop.state();
        Health.Builder health = switch (state) {
            case NEW, RUNNING, RETRYING -> Health.up();
            case STOPPED, FAILED -> Health.down();
        };
        health.withDetail("state", state.name())
                .withDetail("consecutiveFailures", loop.consecutiveFailures())
                .withDetail("appliedTotal", loop.appliedTotal());
        if (loop.lastFailure() != null) {
            health.withDetail("lastFailure", loop.lastFailure());
        }
        return health.build();
    }
}
