package io.github.orderoutbox.endtoend;

import io.github.orderoutbox.testsupport.ServiceJar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's packaged jar running as its own process, configured by environment variables alone,
 * with its output in a log file whose end a failing test shows.
 */
final class PackagedService implements AutoCloseable {

    private static final int LOG_LINES_SHOWN = 40;
    /** Spring Boot's line once the web server listens; the tests start the services on port 0. */
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;

    private PackagedService(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java -jar} on the jar named by system property {@code jarProperty}.
     *
     * @param logName file name of its output under {@code target/e2e-logs}
     */
    static PackagedService start(String jarProperty, Map<String, String> environment, String logName) throws IOException {
        Path log = Path.of("target", "e2e-logs", logName);
        return new PackagedService(jarProperty, ServiceJar.startWithEnvironment(jarProperty, environment, log), log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Whether the service's readiness probe ({@code /actuator/health/readiness}, the one a
     * deployment waits for) answers 200: started, migrated, its topics made.
     */
    boolean isReady() throws IOException, InterruptedException {
        OptionalInt port = port();
        if (port.isEmpty()) {
            return false;
        }
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt()
                + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    /** The address of {@code path} on the service's web server; the service must be ready. */
    URI uri(String path) throws IOException {
        return URI.create("http://127.0.0.1:" + port().orElseThrow(() -> new IllegalStateException(name + " has no port yet"))
                + path);
    }

    private OptionalInt port() throws IOException {
        Matcher matcher = PORT.matcher(Files.readString(log, StandardCharsets.UTF_8));
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /** What a failure message shows: whether the process still runs, and the end of its log. */
    String describe() {
        String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
        return name + " (" + state + "), last lines of " + log.toAbsolutePath() + ":\n" + logTail();
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_SHOWN), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /**
     * SIGTERM first, as a user's Ctrl-C: the consumer then leaves its group at once, so a consumer
     * of the next test class in the same group does not wait out a dead member's session.
     */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
