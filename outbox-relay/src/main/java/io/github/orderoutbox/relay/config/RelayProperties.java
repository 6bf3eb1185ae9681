package io.github.orderoutbox.relay.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the relay ({@code relay.*}), validated at start-up so a bad value fails fast
 * with the name of the property. Connections use Spring Boot's standard names instead:
 * {@code spring.datasource.*}, {@code spring.flyway.*} and {@code spring.kafka.*}.
 *
 * @param topics            aggregate type to Kafka topic; rows of an unmapped type fail and are parked.
 *                          Unset, {@code order} goes to {@code orders.events}; setting any entry replaces
 *                          that default, as Spring Boot replaces a map
 * @param source            CloudEvents {@code ce_source} of every published event
 * @param topicPartitions   partitions of a topic the relay creates because it is missing
 * @param topicReplication  replication factor of a topic the relay creates; -1 takes the broker default
 * @param createTopics      create missing topics at start-up and before first use
 * @param batchSize         rows claimed, sent and marked together
 * @param workers           publishing threads per instance; each owns a disjoint share of the buckets
 * @param pollIntervalMin   wait after a poll that found rows but not a full batch
 * @param pollIntervalMax   longest wait when the outbox is idle (the wait doubles per empty poll)
 * @param leaseTtl          how long a bucket lease lasts without renewal
 * @param heartbeatInterval how often leases are renewed and buckets rebalanced
 * @param leaseSafetyMargin stop sending this long before the lease would expire without renewal
 * @param maxAttempts       failed attempts after which a row and the rest of its order are parked
 * @param retryBackoffMin   first retry delay of a failed row (grows exponentially, with jitter)
 * @param retryBackoffMax   longest retry delay of a failed row
 * @param outageBackoffMax  longest pause of a worker while Kafka is unreachable
 * @param retention         how long published rows are kept, then deleted in batches; zero (the default)
 *                          deletes each row in the statement that records its publication, which costs
 *                          Postgres far less than keeping it (no new row version, no index entries)
 * @param retentionInterval how often the deletion runs
 * @param retentionBatchSize rows deleted per statement, so deletion never holds long locks
 * @param statsInterval     how often backlog, age and parked gauges are refreshed
 * @param shutdownTimeout   how long shutdown waits for the batch in flight
 * @param migrateOnly       apply the migrations, then exit (for a separate migration step)
 * @param producer          extra Kafka producer properties, overriding the relay's defaults; an override that
 *                          would weaken per-partition order or durability is refused ({@link ProducerOverrides})
 */
@Validated
@ConfigurationProperties("relay")
public record RelayProperties(
        @DefaultValue @NotEmpty Map<String, String> topics,
        @DefaultValue("/orders-service") @NotBlank String source,
        @DefaultValue("12") @Min(1) int topicPartitions,
        @DefaultValue("-1") @Min(-1) short topicReplication,
        @DefaultValue("true") boolean createTopics,
        @DefaultValue("5000") @Min(1) @Max(50_000) int batchSize,
        @DefaultValue("2") @Min(1) @Max(64) int workers,
        @DefaultValue("9ms") @NotNull Duration pollIntervalMin,
        @DefaultValue("250ms") @NotNull Duration pollIntervalMax,
        @DefaultValue("10s") @NotNull Duration leaseTtl,
        @DefaultValue("2s") @NotNull Duration heartbeatInterval,
        @DefaultValue("3s") @NotNull Duration leaseSafetyMargin,
        @DefaultValue("10") @Min(1) int maxAttempts,
        @DefaultValue("1s") @NotNull Duration retryBackoffMin,
        @DefaultValue("5m") @NotNull Duration retryBackoffMax,
        @DefaultValue("30s") @NotNull Duration outageBackoffMax,
        @DefaultValue("0s") @NotNull Duration retention,
        @DefaultValue("30s") @NotNull Duration retentionInterval,
        @DefaultValue("10000") @Min(1) int retentionBatchSize,
        @DefaultValue("5s") @NotNull Duration statsInterval,
        @DefaultValue("30s") @NotNull Duration shutdownTimeout,
        @DefaultValue("false") boolean migrateOnly,
        @DefaultValue Map<String, String> producer) implements Validator {

    /** Where rows of aggregate type {@code order} go unless {@code relay.topics} says otherwise. */
    public static final Map<String, String> DEFAULT_TOPICS = Map.of("order", "orders.events");

    public RelayProperties {
        // A map default cannot be written in @DefaultValue (Boot has no String-to-Map conversion:
        // "order=orders.events" there failed every start that did not set relay.topics itself).
        topics = topics.isEmpty() ? DEFAULT_TOPICS : Map.copyOf(topics);
        producer = Map.copyOf(producer);
    }

    @AssertTrue(message = "relay.poll-interval-min must be positive and not above relay.poll-interval-max")
    boolean isPollIntervalOrdered() {
        return !pollIntervalMin.isNegative() && !pollIntervalMin.isZero() && pollIntervalMin.compareTo(pollIntervalMax) <= 0;
    }

    @AssertTrue(message = "relay.heartbeat-interval plus relay.lease-safety-margin must be shorter than relay.lease-ttl")
    boolean isLeaseTimingSafe() {
        return heartbeatInterval.plus(leaseSafetyMargin).compareTo(leaseTtl) < 0 && !heartbeatInterval.isZero();
    }

    @AssertTrue(message = "relay.retry-backoff-min must be positive and not above relay.retry-backoff-max")
    boolean isRetryBackoffOrdered() {
        return !retryBackoffMin.isNegative() && !retryBackoffMin.isZero() && retryBackoffMin.compareTo(retryBackoffMax) <= 0;
    }

    @AssertTrue(message = "relay.retention must not be negative (zero deletes rows as they are published)")
    boolean isRetentionValid() {
        return !retention.isNegative();
    }

    @AssertTrue(message = "relay.topics must map every aggregate type to a non-blank topic")
    boolean isTopicsValid() {
        return topics.entrySet().stream().allMatch(e -> !e.getKey().isBlank() && e.getValue() != null && !e.getValue().isBlank());
    }

    /** Spring Boot validates a bound record that is a {@link Validator} with itself, besides its annotations. */
    @Override
    public boolean supports(Class<?> type) {
        return RelayProperties.class.isAssignableFrom(type);
    }

    /** Refuses {@code relay.producer.*} overrides that would weaken order or durability, each named in the message. */
    @Override
    public void validate(Object target, Errors errors) {
        for (String refusal : ProducerOverrides.refusals(((RelayProperties) target).producer())) {
            errors.reject("relay.producer.unsafe", refusal);
        }
    }
}
