package io.github.orderoutbox.endtoend.files;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.Yaml;

/**
 * The web and actuator settings a service ships in {@code src/main/resources/application.yml} (or
 * {@code .properties}), with Spring Boot's defaults where it sets none, and a compose environment's
 * overrides ({@code SERVER_PORT}, {@code MANAGEMENT_SERVER_PORT}) applied on top.
 */
public final class ServiceConfiguration {

    private final Map<String, String> settings;

    private ServiceConfiguration(Map<String, String> settings) {
        this.settings = settings;
    }

    /** The configuration of the module in this folder. */
    public static ServiceConfiguration of(Path module) {
        Map<String, String> settings = new LinkedHashMap<>();
        Path resources = module.resolve("src/main/resources");
        for (String name : List.of("application.properties", "application.yaml", "application.yml")) {
            Path file = resources.resolve(name);
            if (Files.isRegularFile(file)) {
                settings.putAll(name.endsWith(".properties") ? properties(file) : yaml(file));
            }
        }
        return new ServiceConfiguration(settings);
    }

    /** The same with the settings a compose service's environment overrides. */
    public ServiceConfiguration withEnvironment(Map<String, String> environment) {
        Map<String, String> merged = new LinkedHashMap<>(settings);
        environment.forEach((name, value) -> {
            if (value != null) {
                merged.put(name.toLowerCase().replace('_', '.'), ComposeFile.withDefaults(value));
            }
        });
        return new ServiceConfiguration(merged);
    }

    public String get(String key) {
        return settings.get(key);
    }

    public int serverPort() {
        return Integer.parseInt(settings.getOrDefault("server.port", "8080"));
    }

    /** The actuator's port: its own if {@code management.server.port} is set, else the server's. */
    public int managementPort() {
        String port = settings.get("management.server.port");
        return port == null ? serverPort() : Integer.parseInt(port);
    }

    /** Where the actuator's endpoints are, e.g. {@code /actuator}. */
    public String actuatorBasePath() {
        String base = settings.getOrDefault("management.endpoints.web.base-path", "/actuator");
        String context = settings.getOrDefault("management.server.base-path", "");
        return context + base;
    }

    public List<String> exposedEndpoints() {
        String include = settings.getOrDefault("management.endpoints.web.exposure.include", "health");
        return Arrays.stream(include.split(",")).map(String::strip).toList();
    }

    /** Whether {@code /health/readiness} exists: the probes are on (Boot turns them on by itself only on Kubernetes). */
    public boolean readinessProbeEnabled() {
        return "true".equals(settings.get("management.endpoint.health.probes.enabled"));
    }

    private static Map<String, String> yaml(Path file) {
        Map<String, String> flat = new LinkedHashMap<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : new Yaml().loadAll(reader)) {
                flatten("", document, flat);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        return flat;
    }

    private static void flatten(String prefix, Object value, Map<String, String> flat) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, flat));
        } else if (value instanceof List<?> list) {
            flat.put(prefix, String.join(",", list.stream().map(String::valueOf).toList()));
        } else if (value != null) {
            flat.put(prefix, String.valueOf(value));
        }
    }

    private static Map<String, String> properties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        Map<String, String> flat = new LinkedHashMap<>();
        properties.forEach((k, v) -> flat.put(String.valueOf(k), String.valueOf(v)));
        return flat;
    }
}
