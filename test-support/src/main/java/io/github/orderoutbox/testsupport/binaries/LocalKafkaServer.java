package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.kafka.LocalKafka;
import io.github.orderoutbox.testsupport.KafkaServer;

/** The local stack's KRaft broker as a test server: new log directories on free ports, deleted on close. */
public final class LocalKafkaServer implements KafkaServer {

    private final LocalKafka server;

    private LocalKafkaServer(LocalKafka server) {
        this.server = server;
    }

    /** Starts a new broker on free ports and waits until it describes its cluster. */
    public static LocalKafkaServer launch() {
        return new LocalKafkaServer(LocalKafka.launch());
    }

    @Override
    public String bootstrapServers() {
        return server.bootstrapServers();
    }

    @Override
    public String source() {
        return "binaries";
    }

    @Override
    public boolean isAnswering() {
        return server.isAnswering();
    }

    @Override
    public boolean canBeStopped() {
        return true;
    }

    @Override
    public void stop() {
        server.stop();
    }

    @Override
    public void kill() {
        server.kill();
    }

    @Override
    public void start() {
        server.start();
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return server.toString();
    }
}
