package io.github.orderoutbox.endtoend.chaos;

import io.github.orderoutbox.testsupport.ServiceJar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service (a relay or a consumer) run from its packaged jar as its own OS process, which the
 * chaos run kills with SIGKILL, pauses with SIGSTOP and starts again. Each start is a new
 * incarnation with its own log file; the HTTP port stays, so its metrics can be scraped.
 */
final class Service implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    private final String jarProperty;
    private final Map<String, String> settings;
    private final Path logs;
    private final int httpPort;
    private Process process;
    private int incarnation;
    /** Last duplicates counter seen per incarnation: a killed process takes its counters with it. */
    private final Map<Integer, Double> duplicatesSeen = new LinkedHashMap<>();

    Service(String name, String jarProperty, Map<String, String> settings, Path logs) {
        this.name = name;
        this.jarProperty = jarProperty;
        this.httpPort = freePort();
        this.settings = new LinkedHashMap<>(settings);
        this.settings.put("server.port", Integer.toString(httpPort));
        this.settings.put("logging.structured.format.console", "");
        this.logs = logs;
    }

    synchronized void start() {
        incarnation++;
        try {
            process = ServiceJar.start(jarProperty, settings, logs.resolve(name + "-" + incarnation + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    /** Waits until the service's HTTP port answers its health endpoint (any status). */
    void awaitHttp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (get("/actuator/health") != null) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + logs);
            }
            sleep(500);
        }
        throw new IllegalStateException(name + " did not answer HTTP within " + timeout + "; see " + logs);
    }

    synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGSTOP: the process stays, frozen, as in a long GC pause or a stalled VM. */
    synchronized void pause() {
        signal("STOP");
    }

    synchronized void resume() {
        signal("CONT");
    }

    synchronized long pid() {
        return process.pid();
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Resident set size in MB from /proc, or -1 when the process is gone. */
    synchronized double rssMegabytes() {
        if (!isAlive()) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between the check and the read
        }
        return -1;
    }

    /** Heap in use in MB from the service's Prometheus endpoint, or -1 when it does not answer. */
    double heapMegabytes() {
        String metrics = get("/actuator/prometheus");
        if (metrics == null) {
            return -1;
        }
        double bytes = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return bytes / (1024.0 * 1024.0);
    }

    /** Scrapes the consumer's duplicates counter into this incarnation's last value. */
    void scrapeDuplicates() {
        String metrics = get("/actuator/prometheus");
        if (metrics == null) {
            return;
        }
        double total = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith("consumer_events_duplicates_total")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        synchronized (this) {
            duplicatesSeen.put(incarnation, total);
        }
    }

    /** Duplicates this service's incarnations counted, as far as they were scraped before they died. */
    synchronized long duplicatesCounted() {
        return Math.round(duplicatesSeen.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    synchronized int incarnations() {
        return incarnation;
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            // Health answers 503 while a dependency is down: the process is up all the same.
            boolean answered = response.statusCode() / 100 == 2 || path.endsWith("/health");
            return answered ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private void signal(String signal) {
        if (!isAlive()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            signal("CONT");
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + (process == null ? "" : " (pid " + process.pid() + ", incarnation " + incarnation + ")");
    }
}
