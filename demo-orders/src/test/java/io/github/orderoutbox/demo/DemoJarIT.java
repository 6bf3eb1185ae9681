package io.github.orderoutbox.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.orderoutbox.model.json.EventJson;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The packaged jar, started as the local stack and docker-compose start it: {@code java -jar} with
 * nothing but environment variables (the process inherits no others), the shipped defaults for
 * everything else.
 */
class DemoJarIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final EventJson JSON = new EventJson();

    @Test
    void startsWithOnlyTheEnvironmentWritesItsOrdersAndIsDone() throws Exception {
        DemoDatabase database = DemoDatabase.create("demo_jar_it");
        int port = freePort();
        Map<String, String> environment = database.environment();
        environment.put("SERVER_PORT", Integer.toString(port));
        environment.put("DEMO_RATE", "100");
        environment.put("DEMO_ORDERS", "20");
        environment.put("DEMO_POISON_EVERY", "5");
        Path log = Path.of("target", "demo-jar-it.log");

        Process demo = start(environment, log);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> demo.isAlive() && answers(port, "/actuator/health/readiness", "\"UP\""));
            // Each order's events follow a couple of seconds apart (demo.step-delay, 2 s by default).
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .until(() -> status(port).path("done").asBoolean());

            JsonNode status = status(port);
            assertThat(status.path("ordersWritten").asLong()).isEqualTo(20);
            assertThat(status.path("poisonWritten").asLong()).isEqualTo(4);
            Long outboxRows = database.adminJdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);
            assertThat(status.path("eventsWritten").asLong()).isEqualTo(outboxRows);
            assertThat(get(port, "/actuator/prometheus").body())
                    .contains("demo_orders_written_total{application=\"demo-orders\"} 20.0")
                    .contains("demo_poison_written_total{application=\"demo-orders\"} 4.0");
            assertThat(database.adminJdbc.queryForList(
                    "SELECT DISTINCT grantee::text FROM information_schema.role_table_grants WHERE table_schema = 'demo'",
                    String.class)).contains(DemoDatabase.WRITER);
            List<String> lines = Files.readAllLines(log);
            assertThat(lines).as("structured (logstash) log lines")
                    .anySatisfy(line -> assertThat(line).startsWith("{").contains("demo.traffic.started"));
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Map<String, String> environment, Path log) throws IOException {
        String jar = System.getProperty("demo.jar");
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("demo jar not found (system property demo.jar=" + jar
                    + "); run the tests through Maven verify, which packages it first");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Files.createDirectories(log.getParent());
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static boolean answers(int port, String path, String expected) {
        try {
            HttpResponse<String> response = get(port, path);
            return response.statusCode() == 200 && response.body().contains(expected);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static JsonNode status(int port) throws Exception {
        return JSON.readTree(get(port, "/demo/status").body());
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
