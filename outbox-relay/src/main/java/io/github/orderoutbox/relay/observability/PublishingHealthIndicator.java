package io.github.orderoutbox.relay.observability;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Publishing is down while a worker cannot publish (see {@link PublishingOutages}), whether Kafka is
 * unreachable or refuses the relay (authentication, authorisation), which the {@code kafka}
 * component, a cluster description, does not show.
 */
public class PublishingHealthIndicator extends AbstractHealthIndicator {

    private final PublishingOutages outages;

    public PublishingHealthIndicator(PublishingOutages outages) {
        super("Publishing health check failed");
        this.outages = outages;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        outages.current().ifPresentOrElse(
                outage -> builder.down().withDetail("outage", outage.kind()).withDetail("error", outage.error())
                        .withDetail("since", outage.since().toString()),
                builder::up);
    }
}
