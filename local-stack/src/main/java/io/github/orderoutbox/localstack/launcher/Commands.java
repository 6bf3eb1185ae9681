package io.github.orderoutbox.localstack.launcher;

import io.github.orderoutbox.localstack.services.Endpoints;
import io.github.orderoutbox.localstack.services.RunningService;
import io.github.orderoutbox.localstack.services.Service;
import io.github.orderoutbox.localstack.services.ServiceEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keys typed into the launcher's terminal, each followed by Enter: {@code p} writes a poison event
 * through the demo, {@code r} redrives every blocked order with the consumer's own command,
 * {@code q} stops everything as Ctrl-C does.
 */
final class Commands {

    private static final Duration REDRIVE_TIMEOUT = Duration.ofMinutes(2);

    private Commands() {
    }

    static void listen(Terminal terminal, LaunchSettings settings, Endpoints endpoints, RunningService demo) {
        Thread listener = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    switch (line.trim()) {
                        case "p" -> terminal.line(poison(demo));
                        case "r" -> terminal.line(redrive(settings, endpoints));
                        case "q" -> System.exit(0);
                        case "" -> { }
                        default -> terminal.line("Keys: p + Enter writes a poison event, r + Enter redrives blocked orders,"
                                + " q + Enter (or Ctrl-C) stops everything.");
                    }
                }
            } catch (IOException e) {
                // No terminal to read from (a CI log, a closed pipe): the keys are simply not there.
            }
        }, "local-stack-keys");
        listener.setDaemon(true);
        listener.start();
    }

    private static String poison(RunningService demo) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(demo.url("/demo/poison")))
                    .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            return "Poison event written (" + response.statusCode() + "): " + response.body()
                    + "\nWatch dead letters and blocked orders rise; r + Enter tries a redrive.";
        } catch (IOException e) {
            return "Could not write a poison event: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    /** {@code java -jar event-consumer.jar redrive} with the consumer's environment; its output goes to logs/redrive.log. */
    private static String redrive(LaunchSettings settings, Endpoints endpoints) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", settings.jars().get(Service.CONSUMER).toString(), "redrive"));
        Path log = settings.logDirectory().resolve("redrive.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment(settings, endpoints));
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(REDRIVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "The redrive did not finish within " + REDRIVE_TIMEOUT + "; see " + log;
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "Redrive exited with " + process.exitValue() + "; the end of " + log + ":\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "Could not run the redrive: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted";
        }
    }

    static Map<String, String> environment(LaunchSettings settings, Endpoints endpoints) {
        return ServiceEnvironment.of(Service.CONSUMER, endpoints, settings.consumerPort(1), settings.demo());
    }

    /** The same redrive by hand, for the banner. */
    static String redriveCommandLine(LaunchSettings settings, Endpoints endpoints) {
        return environment(settings, endpoints).entrySet().stream()
                .filter(entry -> !entry.getKey().startsWith("SERVER_"))
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(" ")) + " java -jar " + settings.jars().get(Service.CONSUMER) + " redrive --dry-run";
    }
}
