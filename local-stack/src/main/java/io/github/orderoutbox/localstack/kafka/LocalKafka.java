package io.github.orderoutbox.localstack.kafka;

import io.github.orderoutbox.localstack.process.LocalServer;
import io.github.orderoutbox.localstack.process.ServerFiles;
import io.github.orderoutbox.localstack.process.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Apache Kafka's own KRaft broker (one node, broker and controller combined) run in a separate JVM
 * from this JVM's class path (the launcher's jar names its dependencies in its manifest, which
 * {@code -cp} honours too). Its log directory and cluster id stay the same across restarts, so a
 * killed broker comes back with its topics and records.
 */
public final class LocalKafka extends LocalServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * A full C2 compiler is kept (no TieredStopAtLevel): the benchmarks push tens of thousands of
     * records a second through this broker.
     */
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xms256m", "-Xmx768m",
            "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true");

    /** Written next to the broker's data and named by {@code -Dlogback.configurationFile}. */
    private static final String LOGBACK_WARNINGS_ONLY = """
            <configuration>
              <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="WARN"><appender-ref ref="out"/></root>
            </configuration>
            """;

    private final int port;
    private final Path config;
    private final Path loggingConfig;
    private final String clusterId = Uuid.randomUuid().toString();

    private LocalKafka(ServerFiles files, int port, int controllerPort) {
        super(files, START_TIMEOUT);
        this.port = port;
        this.config = write(files.dataDirectory().resolve("server.properties"),
                serverProperties(files.dataDirectory().resolve("logs"), port, controllerPort));
        this.loggingConfig = write(files.dataDirectory().resolve("logback.xml"), LOGBACK_WARNINGS_ONLY);
    }

    /** For a test: a new broker on free ports, started, and answering. */
    public static LocalKafka launch() {
        int port = ServerFiles.freePort();
        int controllerPort = ServerFiles.freePort();
        while (controllerPort == port) {
            controllerPort = ServerFiles.freePort();
        }
        LocalKafka server = new LocalKafka(ServerFiles.forServer("kafka"), port, controllerPort);
        server.start();
        return server;
    }

    /**
     * For the launcher: the broker whose log directory is in {@code files}, formatted on its first
     * start and reused after that, listening on {@code port}. Not started yet.
     */
    public static LocalKafka keptIn(ServerFiles files, int port, int controllerPort) {
        return new LocalKafka(files, port, controllerPort);
    }

    /** The {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return ServerFiles.LOOPBACK + ":" + port;
    }

    @Override
    public boolean isAnswering() {
        return KafkaProbe.describesCluster(bootstrapServers());
    }

    /** Started as a JVM whose shutdown hook closes the logs cleanly on SIGTERM; killed when closed. */
    @Override
    protected ServerProcess startProcess() {
        return ServerProcess.start("Kafka " + files.name(), brokerCommand(), files.logFile());
    }

    private List<String> brokerCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return concat(List.of(java), JVM_OPTIONS, List.of(
                // Kafka logs through SLF4J; the class path decides the binding (Logback in the launcher
                // and in Spring Boot modules' tests), and both configurations keep the broker quiet.
                "-Dlogback.configurationFile=" + loggingConfig,
                "-Dlog4j2.level=WARN",
                "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), config.toString(), clusterId));
    }

    /**
     * One node that is both broker and controller, on two loopback ports. The internal topics get
     * replication factor 1 and few partitions, so that the first consumer group or transaction does
     * not wait for 50 partitions to be created.
     *
     * <p>The short broker session matters after a kill: the restarted controller refuses the
     * broker's new registration while the killed incarnation's session still counts as alive,
     * which with the default of 9 s kept a restarted broker unreachable for about 9 s.
     */
    private static String serverProperties(Path logDirectory, int port, int controllerPort) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@%1$s:%3$d
                listeners=PLAINTEXT://%1$s:%2$d,CONTROLLER://%1$s:%3$d
                advertised.listeners=PLAINTEXT://%1$s:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%4$s
                num.partitions=1
                min.insync.replicas=1
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=5
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=5
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                broker.heartbeat.interval.ms=500
                broker.session.timeout.ms=3000
                """.formatted(ServerFiles.LOOPBACK, port, controllerPort, logDirectory);
    }

    private static Path write(Path file, String content) {
        try {
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Arrays.stream(parts).flatMap(List::stream).toList();
    }

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers() + " (binaries, data in " + files.dataDirectory() + ")";
    }
}
