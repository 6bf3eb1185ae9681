package io.github.orderoutbox.testsupport.binaries;

import io.github.orderoutbox.localstack.kafka.LocalKafka;
import io.github.orderoutbox.testsupport.KafkaServer;

/** The local stack's KRaft broker as a test server: new log directories on free ports, deleted on close. */
public final class LocalKafkaServer extends LocalTestServer<LocalKafka> implements KafkaServer {

    private LocalKafkaServer(LocalKafka server) {
        super(server);
    }

    /** Starts a new broker on free ports and waits until it describes its cluster. */
    public static LocalKafkaServer launch() {
        return new LocalKafkaServer(LocalKafka.launch());
    }

    @Override
    public String bootstrapServers() {
        return server.bootstrapServers();
    }
}
