package io.github.orderoutbox.localstack.services;

import io.github.orderoutbox.localstack.process.ServerFiles;
import io.github.orderoutbox.localstack.process.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One instance of a service, e.g. {@code relay-2}: its process, its port and its URLs. */
public final class RunningService {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Service service;
    private final String name;
    private final int port;
    private final ServerProcess process;

    RunningService(Service service, String name, int port, ServerProcess process) {
        this.service = service;
        this.name = name;
        this.port = port;
        this.process = process;
    }

    public Service service() {
        return service;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public ServerProcess process() {
        return process;
    }

    public String url(String path) {
        return "http://" + ServerFiles.LOOPBACK + ":" + port + path;
    }

    /** Waits for Spring Boot's readiness probe: migrations applied, connections made, work started. */
    public void awaitReady(Duration timeout) {
        process.awaitAnswering(this::isReady, timeout);
    }

    public boolean isReady() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/actuator/health/readiness")))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM through the watchdog: Spring Boot's graceful shutdown; SIGKILL if it takes longer than {@code timeout}. */
    public void stop(Duration timeout) {
        process.stop(timeout);
    }

    @Override
    public String toString() {
        return name + " on port " + port;
    }
}
