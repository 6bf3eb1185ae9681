package io.github.orderoutbox.endtoend.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.localstack.process.ServerFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The launcher behind the README's {@code ./run}, started as its own process exactly as the script
 * starts it, on free ports and a data folder of its own, with the real demo orders service. The
 * ordered tests share one data folder: a bounded run, a second start on its data, then {@code --reset}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    private static final Duration START = Duration.ofMinutes(4);
    private static final Duration STOP = Duration.ofMinutes(2);
    private static final int ORDERS = 200;

    /** An order's life is two events at least (placed, then cancelled or paid, ...). */
    private static final int EVENTS_PER_ORDER_AT_LEAST = 2;
    private static final Pattern APPLIED = Pattern.compile("events applied since the demo started: ([\\d,]+) of ([\\d,]+)");

    private static Path work;
    /** What the bounded run applied, which the second start must find again. */
    private static long appliedByTheFirstRun = -1;
    private static Path sharedData;

    @BeforeAll
    static void folders() throws IOException {
        work = Path.of("target", "local-stack-it").toAbsolutePath();
        Files.createDirectories(work);
        sharedData = Files.createTempDirectory(work, "data-");
        Files.delete(sharedData);
    }

    @AfterAll
    static void deleteData() {
        ServerFiles.deleteTree(sharedData);
    }

    @Test
    @Order(1)
    void boundedRunExitsZeroOnceEveryEventTheDemoWroteIsAppliedAndLeavesNoServerRunning() throws Exception {
        Ports ports = Ports.free();
        try (LauncherProcess launcher = LauncherProcess.start(work, "bounded", ports.arguments(sharedData,
                "--orders", Integer.toString(ORDERS), "--rate", "200", "--exit-when-drained", "--timeout", "5m"))) {

            int exitCode = launcher.awaitExit(Duration.ofMinutes(9));

            assertThat(exitCode).as(launcher.output() + launcher.errors()).isZero();
            assertThat(launcher.output())
                    .contains("Drained in")
                    .contains("consumer group lag: 0")
                    .contains("Stopped in");
            Matcher applied = APPLIED.matcher(launcher.output());
            assertThat(applied.find()).as("the drain's figures in\n" + launcher.output()).isTrue();
            assertThat(applied.group(1)).as("applied of written").isEqualTo(applied.group(2));
            appliedByTheFirstRun = Long.parseLong(applied.group(1).replace(",", ""));
            assertThat(appliedByTheFirstRun).isGreaterThanOrEqualTo((long) ORDERS * EVENTS_PER_ORDER_AT_LEAST);
            ports.assertAllFree();
        }
    }

    @Test
    @Order(2)
    void secondStartKeepsTheReadModelAndServersOnlyPrintsSettingsThatWork() throws Exception {
        Ports ports = Ports.free();
        try (LauncherProcess launcher = LauncherProcess.start(work, "servers-only", ports.arguments(sharedData, "--servers-only"))) {
            launcher.awaitOutput("Ctrl-C stops the servers.", START);
            assertThat(launcher.output()).contains("database orders kept");
            Map<String, Map<String, String>> settings = printedSettings(launcher.output());

            Map<String, String> relay = settings.get("outbox-relay");
            try (Connection asRelay = DriverManager.getConnection(relay.get("SPRING_DATASOURCE_URL"),
                    relay.get("SPRING_DATASOURCE_USERNAME"), relay.get("SPRING_DATASOURCE_PASSWORD"));
                    Connection asOwner = DriverManager.getConnection(relay.get("SPRING_DATASOURCE_URL"),
                            relay.get("SPRING_FLYWAY_USER"), relay.get("SPRING_FLYWAY_PASSWORD"))) {
                assertThat(count(asOwner, "SELECT count(*) FROM read_model.applied_event"))
                        .as("events the first run applied").isEqualTo(appliedByTheFirstRun);
                assertThat(count(asRelay, "SELECT count(*) FROM outbox")).as("the relay user reads the outbox").isZero();
            }
            assertThat(brokers(relay.get("SPRING_KAFKA_BOOTSTRAP_SERVERS"))).as("brokers described").isEqualTo(1);
            assertThat(settings.get("event-consumer").get("SPRING_DATA_REDIS_URL")).isEqualTo("redis://127.0.0.1:" + ports.redis);

            assertRelayJarStartsWith(relay);

            launcher.stop(STOP);
            assertThat(launcher.output()).contains("Stopped in");
            ports.assertAllFree();
        }
    }

    @Test
    @Order(3)
    void resetStartsWithAnEmptyDatabase() throws Exception {
        Ports ports = Ports.free();
        try (LauncherProcess launcher = LauncherProcess.start(work, "reset", ports.arguments(sharedData, "--servers-only", "--reset"))) {
            launcher.awaitOutput("Ctrl-C stops the servers.", START);

            assertThat(launcher.output()).contains("(--reset)").contains("created database orders, created its login users");
            try (Connection asOwner = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + ports.postgres + "/orders",
                    "orders", "orders-dev-only")) {
                assertThat(count(asOwner, "SELECT count(*) FROM pg_tables WHERE schemaname = 'read_model'")).isZero();
            }
            launcher.stop(STOP);
            ports.assertAllFree();
        }
    }

    @Test
    void killingTheLauncherWithSigkillLeavesNoServerOrServiceBehind() throws Exception {
        Ports ports = Ports.free();
        Path data = Files.createTempDirectory(work, "kill-");
        try (LauncherProcess launcher = LauncherProcess.start(work, "killed", ports.arguments(data, "--rate", "20"))) {
            launcher.awaitOutput("Ready in", START);
            List<ProcessHandle> children = launcher.process().descendants().toList();
            assertThat(children).as("servers, services and their watchdogs").hasSizeGreaterThanOrEqualTo(12);

            launcher.process().destroyForcibly();
            launcher.process().waitFor(30, TimeUnit.SECONDS);

            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(children.stream().filter(ProcessHandle::isAlive).map(child -> child.pid() + " " + child.info().commandLine().orElse("")))
                    .as("processes still alive after the launcher was killed").isEmpty();
            ports.assertAllFree();
        } finally {
            ServerFiles.deleteTree(data);
        }
    }

    @Test
    void takenPortIsReportedWithItsOptionAndExitCode2() throws Exception {
        Ports ports = Ports.free();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), ports.redis));
            Path data = work.resolve("never-created");
            try (LauncherProcess launcher = LauncherProcess.start(work, "taken", ports.arguments(data))) {

                assertThat(launcher.awaitExit(Duration.ofMinutes(1))).isEqualTo(2);
                assertThat(launcher.errors()).contains("port " + ports.redis + " (--redis-port) is taken")
                        .contains("--redis-port <port>");
                assertThat(data).doesNotExist();
            }
        }
    }

    private static int brokers(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.describeCluster().nodes().get(60, TimeUnit.SECONDS).size();
        }
    }

    /** The relay's jar started with nothing but what --servers-only printed for it becomes ready. */
    private static void assertRelayJarStartsWith(Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("relay.jar"))
                .redirectErrorStream(true).redirectOutput(work.resolve("relay-from-printed-settings.log").toFile());
        builder.environment().putAll(environment);
        Process relay = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI readiness = URI.create("http://127.0.0.1:" + environment.get("SERVER_PORT") + "/actuator/health/readiness");
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            int status = 0;
            while (status != 200 && relay.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                try {
                    status = http.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    status = 0;
                }
            }
            assertThat(status).as("the relay's readiness with the printed settings; its log: "
                    + work.resolve("relay-from-printed-settings.log")).isEqualTo(200);
        } finally {
            relay.destroy();
            if (!relay.waitFor(60, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        }
    }

    /** The blocks {@code <module>:} followed by {@code   NAME=value} lines. */
    static Map<String, Map<String, String>> printedSettings(String output) {
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : output.split("\n")) {
            if (line.matches("[a-z-]+:")) {
                current = new LinkedHashMap<>();
                settings.put(line.substring(0, line.length() - 1), current);
            } else if (current != null && line.matches("  [A-Z_]+=.*")) {
                current.put(line.substring(2, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return settings;
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Free loopback ports for every server and service of one launch. */
    record Ports(int postgres, int kafka, int controller, int redis, int relay, int consumer, int demo) {

        static Ports free() {
            Set<Integer> chosen = new HashSet<>();
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < 7) {
                int port = ServerFiles.freePort();
                if (chosen.add(port)) {
                    ports.add(port);
                }
            }
            return new Ports(ports.get(0), ports.get(1), ports.get(2), ports.get(3), ports.get(4), ports.get(5), ports.get(6));
        }

        List<String> arguments(Path data, String... more) {
            List<String> arguments = new ArrayList<>(List.of(
                    "--data-dir", data.toString(),
                    "--postgres-port", Integer.toString(postgres), "--kafka-port", Integer.toString(kafka),
                    "--kafka-controller-port", Integer.toString(controller), "--redis-port", Integer.toString(redis),
                    "--relay-port", Integer.toString(relay), "--consumer-port", Integer.toString(consumer),
                    "--demo-port", Integer.toString(demo)));
            arguments.addAll(List.of(more));
            return arguments;
        }

        void assertAllFree() {
            for (int port : List.of(postgres, kafka, controller, redis, relay, consumer, demo)) {
                assertThat(ServerFiles.isFree(port)).as("port " + port + " is free again").isTrue();
            }
        }
    }
}
