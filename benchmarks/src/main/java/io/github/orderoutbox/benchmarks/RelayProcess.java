package io.github.orderoutbox.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged relay jar running as its own process, watched through its Prometheus endpoint. */
final class RelayProcess implements AutoCloseable {

    private static final Pattern PUBLISHED = Pattern.compile("(?m)^relay_events_published_total\\{[^}]*} ([0-9.eE+]+)$");
    private static final Pattern LEASES = Pattern.compile("(?m)^relay_leases_held\\{[^}]*} ([0-9.eE+]+)$");

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private RelayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Path findJar(Path root) throws IOException {
        try (var files = Files.list(root.resolve("outbox-relay").resolve("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("outbox-relay-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build the relay first: ./mvnw -pl outbox-relay -am package -DskipTests"));
        }
    }

    static RelayProcess start(Path jar, BenchmarkDatabase db, Map<String, String> settings, Path log) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m", "-jar", jar.toString(),
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.postgres.adminUser(),
                "--spring.datasource.password=" + db.postgres.adminPassword(),
                "--spring.flyway.enabled=false",
                "--spring.kafka.bootstrap-servers=" + db.kafka.bootstrapServers(),
                "--relay.topics.order=" + db.topic,
                "--server.port=" + port,
                "--logging.structured.format.console="));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new RelayProcess(process, port);
    }

    /** Waits until the relay answers and holds at least one bucket. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("relay exited with " + process.exitValue());
            }
            try {
                if (metric(LEASES) > 0) {
                    return;
                }
            } catch (IOException notYetListening) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("relay not ready within " + timeout);
    }

    double published() throws IOException, InterruptedException {
        return metric(PUBLISHED);
    }

    private double metric(Pattern pattern) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .timeout(Duration.ofSeconds(2)).build();
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = pattern.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
