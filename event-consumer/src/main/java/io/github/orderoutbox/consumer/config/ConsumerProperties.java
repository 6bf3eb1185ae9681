package io.github.orderoutbox.consumer.config;

import io.github.orderoutbox.consumer.kafka.ConsumerLoop;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of event-consumer, under {@code consumer.*}, checked at start-up: a bad value
 * stops the service with a message naming it. Connections use Spring Boot's standard names
 * ({@code spring.datasource.*}, {@code spring.data.redis.*}, {@code spring.kafka.*}).
 *
 * @param topic                the topic of order events
 * @param deadLetterTopic      where events that cannot be applied go
 * @param deadLetterPartitions partitions of the dead-letter topic when the consumer creates it
 *                             (0: as many as {@code topic} has)
 * @param deadLetterTimeout    how long to wait for the dead-letter topic to acknowledge
 * @param groupId              the consumer group
 * @param mode                 {@code PER_POLL} (a poll is one batch) or {@code PER_RECORD} (the
 *                             one-record-at-a-time baseline)
 * @param maxPollRecords       the most records one poll, hence one batch, holds
 * @param pollTimeout          how long a poll waits for records
 * @param retryBackoffMin      first wait before a batch is retried after an outage
 * @param retryBackoffMax      longest such wait; keep it well under {@code max.poll.interval.ms}
 * @param maxAttempts          tries of an event that fails unexpectedly before it is dead-lettered
 * @param validationThreads    threads that run the pipes before deduplication (validation,
 *                             enrichment) on slices of a batch while the delivery thread looks up
 *                             what the batch needs; 1 on a single core
 * @param redisKeyPrefix       prefix of the Redis keys of applied events
 * @param redisTtl             how long Redis remembers an applied event; redeliveries later than
 *                             this are caught by Postgres instead
 * @param redisPauseAfterFailure how long Redis is left alone after a failed call
 * @param catalogCacheTtl      how long a product stays cached
 * @param catalogCacheSize     the most products cached
 * @param shutdownTimeout      how long a stop waits for the batch in flight
 * @param consumer             extra Kafka consumer settings, e.g. {@code fetch.max.bytes}
 * @param producer             extra settings of the dead-letter producer
 */
@Validated
@ConfigurationProperties("consumer")
public record ConsumerProperties(
        @DefaultValue("orders.events") @NotBlank String topic,
        @DefaultValue("orders.events.dlq") @NotBlank String deadLetterTopic,
        @DefaultValue("0") @Min(0) int deadLetterPartitions,
        @DefaultValue("30s") @NotNull Duration deadLetterTimeout,
        @DefaultValue("order-read-model") @NotBlank String groupId,
        @DefaultValue("PER_POLL") @NotNull ConsumerLoop.Mode mode,
        @DefaultValue("5000") @Min(1) @Max(100_000) int maxPollRecords,
        @DefaultValue("500ms") @NotNull Duration pollTimeout,
        @DefaultValue("200ms") @NotNull Duration retryBackoffMin,
        @DefaultValue("30s") @NotNull Duration retryBackoffMax,
        @DefaultValue("5") @Min(1) int maxAttempts,
        @DefaultValue("2") @Min(1) @Max(64) int validationThreads,
        @DefaultValue("order-events:applied:") @NotBlank String redisKeyPrefix,
        @DefaultValue("7d") @NotNull Duration redisTtl,
        @DefaultValue("5s") @NotNull Duration redisPauseAfterFailure,
        @DefaultValue("5m") @NotNull Duration catalogCacheTtl,
        @DefaultValue("100000") @Min(1) long catalogCacheSize,
        @DefaultValue("30s") @NotNull Duration shutdownTimeout,
        @DefaultValue Map<String, String> consumer,
        @DefaultValue Map<String, String> producer) {

    @AssertTrue(message = "consumer.retry-backoff-min must be positive and not above consumer.retry-backoff-max, which must stay under 4 minutes (max.poll.interval.ms is 5)")
    boolean isRetryBackoffSane() {
        return positive(retryBackoffMin) && retryBackoffMin.compareTo(retryBackoffMax) <= 0
                && retryBackoffMax.compareTo(Duration.ofMinutes(4)) < 0;
    }

    @AssertTrue(message = "consumer.dead-letter-topic must differ from consumer.topic")
    boolean isDeadLetterTopicSeparate() {
        return !topic.equals(deadLetterTopic);
    }

    @AssertTrue(message = "consumer.redis-ttl, consumer.poll-timeout, consumer.dead-letter-timeout and consumer.catalog-cache-ttl must be positive")
    boolean isDurationsPositive() {
        return positive(redisTtl) && positive(pollTimeout) && positive(deadLetterTimeout)
                && positive(catalogCacheTtl) && !redisPauseAfterFailure.isNegative() && positive(shutdownTimeout);
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
