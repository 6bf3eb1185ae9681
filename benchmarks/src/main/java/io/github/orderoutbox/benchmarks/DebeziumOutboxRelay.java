package io.github.orderoutbox.benchmarks;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The CDC peer of the side-by-side benchmark, run as its own JVM ({@link DebeziumProcess}) so its
 * CPU is measured apart from the harness: Debezium's embedded engine with the Postgres connector
 * (pgoutput) and the Outbox Event Router, whose records are handed to a kafka-clients producer
 * configured like the relay's ({@link Producers#create}: idempotent, {@code acks=all}).
 *
 * <p>Per batch the engine hands over: every record is sent asynchronously, the producer is flushed
 * (every acknowledgement in), and only then are the records marked processed, so an offset is never
 * committed for an event Kafka does not have. That is Debezium's at-least-once contract, the same
 * one the relay keeps with its "mark after ack".
 *
 * <p>Arguments: {@code kafka.bootstrap.servers=<servers>} and any Debezium engine property as
 * {@code name=value}.
 */
public final class DebeziumOutboxRelay {

    private DebeziumOutboxRelay() {
    }

    public static void main(String[] args) throws Exception {
        Properties engineProperties = new Properties();
        String bootstrapServers = null;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv[0].equals("kafka.bootstrap.servers")) {
                bootstrapServers = kv[1];
            } else {
                engineProperties.setProperty(kv[0], kv[1]);
            }
        }
        if (bootstrapServers == null) {
            throw new IllegalArgumentException("kafka.bootstrap.servers=<servers> is required");
        }
        KafkaProducer<byte[], byte[]> producer = Producers.create(bootstrapServers);
        CountDownLatch stopped = new CountDownLatch(1);
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(engineProperties)
                .using((success, message, error) -> {
                    if (!success) {
                        System.err.println("Debezium engine stopped: " + message);
                        if (error != null) {
                            error.printStackTrace();
                        }
                    }
                    stopped.countDown();
                })
                .notifying((records, committer) -> {
                    List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
                    for (RecordChangeEvent<SourceRecord> event : records) {
                        SourceRecord record = event.record();
                        if (record.value() != null) { // the router turns what is not an insert into nothing
                            sends.add(producer.send(toKafka(record)));
                        }
                    }
                    producer.flush();
                    for (Future<RecordMetadata> send : sends) {
                        try {
                            send.get();
                        } catch (ExecutionException e) {
                            // Stops the engine without marking the batch: restarted, it resends from here.
                            throw new IllegalStateException("Kafka refused an outbox event", e.getCause());
                        }
                    }
                    for (RecordChangeEvent<SourceRecord> event : records) {
                        committer.markProcessed(event);
                    }
                    committer.markBatchFinished();
                })
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                engine.close(); // the connector stops, and drops its slot (slot.drop.on.stop)
                stopped.await();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                producer.close();
            }
        }, "debezium-shutdown"));
        Thread runner = new Thread(engine, "debezium-engine");
        runner.start();
        stopped.await();
        runner.join();
    }

    /** The router's record (key = order id, value = the payload JSON, the chosen columns as headers) for kafka-clients. */
    private static ProducerRecord<byte[], byte[]> toKafka(SourceRecord record) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(header -> headers.add(header.key(), bytes(header.value())));
        return new ProducerRecord<>(record.topic(), null, bytes(record.key()), bytes(record.value()), headers);
    }

    private static byte[] bytes(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] raw ? raw : value.toString().getBytes(UTF_8);
    }
}
