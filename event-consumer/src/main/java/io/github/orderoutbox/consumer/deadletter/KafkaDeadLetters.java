package io.github.orderoutbox.consumer.deadletter;

import io.github.orderoutbox.consumer.batch.DeadLetter;
import io.github.orderoutbox.consumer.batch.DeadLetterUnavailableException;
import io.github.orderoutbox.consumer.batch.DeadLetters;
import io.github.orderoutbox.consumer.pipeline.ReceivedEvent;
import io.github.orderoutbox.consumer.readmodel.EventIdReusedException;
import io.github.orderoutbox.consumer.readmodel.OutOfPositionException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes dead letters to the dead-letter topic with the original key (so they keep their order's
 * partition and order), the original value and headers, and {@link DeadLetterHeaders} saying
 * where and why. Sends a batch's dead letters together and waits for every acknowledgement.
 */
public final class KafkaDeadLetters implements DeadLetters {

    private static final int MAX_MESSAGE_CHARS = 4_000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String consumerGroup;
    private final Duration timeout;
    private final Clock clock;

    public KafkaDeadLetters(Producer<byte[], byte[]> producer, String topic, String consumerGroup, Duration timeout,
                            Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public List<Receipt> send(List<DeadLetter> deadLetters) {
        List<Future<RecordMetadata>> sent = new ArrayList<>(deadLetters.size());
        try {
            for (DeadLetter letter : deadLetters) {
                sent.add(producer.send(record(letter)));
            }
            List<Receipt> receipts = new ArrayList<>(sent.size());
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> future : sent) {
                RecordMetadata metadata = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                receipts.add(new Receipt(metadata.topic(), metadata.partition(), metadata.offset()));
            }
            return receipts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeadLetterUnavailableException("interrupted while sending dead letters to " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new DeadLetterUnavailableException("dead letters were not acknowledged by " + topic + " within "
                    + timeout.toMillis() + " ms", e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    ProducerRecord<byte[], byte[]> record(DeadLetter letter) {
        ReceivedEvent event = letter.event();
        Headers headers = new RecordHeaders();
        for (Map.Entry<String, String> header : event.headers().entrySet()) {
            if (!header.getKey().startsWith(DeadLetterHeaders.PREFIX)) {
                headers.add(header.getKey(), utf8(header.getValue()));
            }
        }
        headers.add(DeadLetterHeaders.ORIGINAL_TOPIC, utf8(event.topic()));
        headers.add(DeadLetterHeaders.ORIGINAL_PARTITION, utf8(Integer.toString(event.partition())));
        headers.add(DeadLetterHeaders.ORIGINAL_OFFSET, utf8(Long.toString(event.offset())));
        headers.add(DeadLetterHeaders.ORIGINAL_TIMESTAMP, utf8(event.timestamp().toString()));
        headers.add(DeadLetterHeaders.CONSUMER_GROUP, utf8(consumerGroup));
        headers.add(DeadLetterHeaders.EXCEPTION_CLASS, utf8(letter.failure().getClass().getName()));
        headers.add(DeadLetterHeaders.EXCEPTION_MESSAGE, utf8(message(letter.failure())));
        headers.add(DeadLetterHeaders.FAILED_PIPE, utf8(letter.pipe()));
        headers.add(DeadLetterHeaders.ATTEMPTS, utf8(Integer.toString(letter.attempts())));
        letter.eventId().ifPresent(id -> headers.add(DeadLetterHeaders.EVENT_ID, utf8(id.toString())));
        headers.add(DeadLetterHeaders.FAILED_AT, utf8(clock.instant().toString()));
        headers.add(DeadLetterHeaders.REASON, utf8(letter.reasonCode()));
        if (letter.failure() instanceof OutOfPositionException outOfPosition) {
            headers.add(DeadLetterHeaders.EVENT_POSITION, utf8(Long.toString(outOfPosition.position())));
            headers.add(DeadLetterHeaders.ORDER_POSITION, utf8(Long.toString(outOfPosition.orderPosition())));
        } else if (letter.failure() instanceof EventIdReusedException reused) {
            headers.add(DeadLetterHeaders.EVENT_POSITION, utf8(Long.toString(reused.position())));
            headers.add(DeadLetterHeaders.APPLIED_POSITION, utf8(Long.toString(reused.appliedPosition())));
        }
        byte[] key = event.key() == null ? null : utf8(event.key());
        return new ProducerRecord<>(topic, null, null, key, event.value(), headers);
    }

    /** The message, cut to a length a header can carry without making the record too large. */
    private static String message(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
