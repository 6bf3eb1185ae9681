package io.github.orderoutbox.endtoend;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml as {@code docker compose} reads it, as far as a service's environment goes:
 * the map or list form of {@code environment}, and {@code ${VAR:-default}} / {@code ${VAR-default}}
 * / {@code ${VAR}} interpolated as on a machine where none of those variables is set (the README's
 * first run).
 */
final class ComposeFile {

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private final Map<String, Object> services;

    private ComposeFile(Map<String, Object> services) {
        this.services = services;
    }

    @SuppressWarnings("unchecked")
    static ComposeFile read(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Map<String, Object> compose = new Yaml().load(reader);
            return new ComposeFile((Map<String, Object>) compose.get("services"));
        }
    }

    /** The environment of {@code service}, interpolated, in the file's order. */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(String service) {
        Map<String, Object> definition = (Map<String, Object>) services.get(service);
        if (definition == null) {
            throw new IllegalArgumentException("docker-compose.yml has no service " + service + ": " + services.keySet());
        }
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = definition.get("environment");
        if (declared instanceof Map<?, ?> map) {
            map.forEach((key, value) -> environment.put(key.toString(), value == null ? "" : interpolate(value.toString())));
        } else if (declared instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = entry.toString().split("=", 2);
                environment.put(pair[0], pair.length == 2 ? interpolate(pair[1]) : "");
            }
        }
        return environment;
    }

    /** {@code ${RELAY_DB_PASSWORD:-relay-dev-only}} becomes {@code relay-dev-only}; an unset variable without default, empty. */
    static String interpolate(String value) {
        Matcher matcher = INTERPOLATION.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String fallback = matcher.group(2) == null ? "" : matcher.group(2);
            matcher.appendReplacement(result, Matcher.quoteReplacement(fallback));
        }
        matcher.appendTail(result);
        return result.toString().replace("$$", "$");
    }
}
