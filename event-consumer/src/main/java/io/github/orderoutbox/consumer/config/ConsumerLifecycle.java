package io.github.orderoutbox.consumer.config;

import io.github.orderoutbox.consumer.deadletter.DeadLetterTopic;
import io.github.orderoutbox.consumer.kafka.ConsumerLoop;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the delivery loop once the application is ready (after the migrations and the
 * dead-letter topic), and on shutdown stops it first: the batch in flight finishes, its offsets
 * are committed and the consumer leaves its group. The dead-letter producer is closed after that,
 * when Spring destroys the beans.
 */
public final class ConsumerLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConsumerLifecycle.class);

    private final ConsumerLoop loop;
    private final Admin admin;
    private final ConsumerProperties properties;
    private volatile boolean running;

    public ConsumerLifecycle(ConsumerLoop loop, Admin admin, ConsumerProperties properties) {
        this.loop = loop;
        this.admin = admin;
        this.properties = properties;
    }

    @Override
    public void start() {
        DeadLetterTopic.ensure(admin, properties.topic(), properties.deadLetterTopic(), properties.deadLetterPartitions());
        loop.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        if (!loop.stop(properties.shutdownTimeout())) {
            log.warn("consumer.shutdown.timeout waited_ms={} effect=\"the batch in flight is not committed; it is re-read and skipped as duplicates\"",
                    properties.shutdownTimeout().toMillis());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stopped before the web server and the data sources (higher phases stop first). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
