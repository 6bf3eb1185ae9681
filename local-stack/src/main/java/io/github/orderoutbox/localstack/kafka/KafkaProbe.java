package io.github.orderoutbox.localstack.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Whether a Kafka cluster answers: the cheap probe that every start of a broker waits on. */
public final class KafkaProbe {

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    private KafkaProbe() {
    }

    /**
     * Tries a plain TCP connection first: an admin client would wait its whole timeout for a
     * broker that is not listening yet, and report every refused connection on the way.
     */
    public static boolean describesCluster(String bootstrapServers) {
        if (!acceptsConnections(bootstrapServers.split(",")[0].trim())) {
            return false;
        }
        int millis = (int) PROBE_TIMEOUT.toMillis();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1_000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 1_000))) {
            return !admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean acceptsConnections(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostAndPort.substring(0, colon),
                    Integer.parseInt(hostAndPort.substring(colon + 1))), 1_000);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
