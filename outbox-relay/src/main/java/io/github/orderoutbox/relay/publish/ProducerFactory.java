package io.github.orderoutbox.relay.publish;

import org.apache.kafka.clients.producer.Producer;

/** Creates the relay's producer: the first at start-up, and a new one whenever one is left in a fatal state. */
@FunctionalInterface
public interface ProducerFactory {

    Producer<byte[], byte[]> create();
}
