package io.github.orderoutbox.endtoend.files;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml as Compose reads it: YAML merge keys applied, {@code ${VAR:-default}} taken at its default. */
public final class ComposeFile {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");

    private final Map<String, Object> services;

    private ComposeFile(Map<String, Object> services) {
        this.services = services;
    }

    public static ComposeFile read(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            Map<String, Object> document = new Yaml().load(reader);
            return new ComposeFile(map(document.get("services")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    public static ComposeFile project() {
        return read(ProjectFiles.resolve("docker-compose.yml"));
    }

    public List<Service> services() {
        List<Service> result = new ArrayList<>();
        services.forEach((name, definition) -> result.add(new Service(name, map(definition))));
        return result;
    }

    public Service service(String name) {
        return services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("docker-compose.yml has no service " + name));
    }

    /** Services built from a folder of this project (ours), as opposed to images pulled as they are. */
    public List<Service> builtServices() {
        return services().stream().filter(s -> s.definition().containsKey("build")).toList();
    }

    /** {@code ${VAR:-default}} and {@code ${VAR-default}} become the default, {@code ${VAR}} becomes empty. */
    public static String withDefaults(String value) {
        Matcher matcher = VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(matcher.group(2) == null ? "" : matcher.group(2)));
        }
        return matcher.appendTail(result).toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** One service of the file. */
    public record Service(String name, Map<String, Object> definition) {

        /** The build context folder, for a built service. */
        public Path buildContext() {
            Object build = definition.get("build");
            String context = build instanceof Map<?, ?> m ? String.valueOf(m.get("context")) : String.valueOf(build);
            return ProjectFiles.resolve(context);
        }

        /** The Dockerfile of a built service. */
        public Path dockerfile() {
            Object build = definition.get("build");
            String dockerfile = build instanceof Map<?, ?> m && m.get("dockerfile") != null ? String.valueOf(m.get("dockerfile")) : "Dockerfile";
            return buildContext().resolve(dockerfile);
        }

        /**
         * The environment as written: a variable without a value (passed on from the shell when set there)
         * maps to null; numbers and booleans become their text.
         */
        public Map<String, String> environment() {
            Map<String, String> environment = new LinkedHashMap<>();
            Object value = definition.get("environment");
            if (value instanceof Map<?, ?> m) {
                m.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            } else if (value instanceof List<?> list) {
                for (Object entry : list) {
                    String text = String.valueOf(entry);
                    int equals = text.indexOf('=');
                    environment.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? null : text.substring(equals + 1));
                }
            }
            return environment;
        }

        /** Published ports as host port to container port. */
        public Map<Integer, Integer> publishedPorts() {
            Map<Integer, Integer> ports = new LinkedHashMap<>();
            Object value = definition.get("ports");
            if (value instanceof List<?> list) {
                for (Object entry : list) {
                    String[] parts = String.valueOf(entry).split(":");
                    int container = Integer.parseInt(parts[parts.length - 1].replace("/tcp", ""));
                    int host = parts.length == 1 ? container : Integer.parseInt(parts[parts.length - 2]);
                    ports.put(host, container);
                }
            }
            return ports;
        }

        /** The services this one waits for, with the condition it waits on ({@code service_started} if none is given). */
        public Map<String, String> dependsOn() {
            Map<String, String> conditions = new LinkedHashMap<>();
            Object value = definition.get("depends_on");
            if (value instanceof Map<?, ?> m) {
                m.forEach((k, v) -> conditions.put(String.valueOf(k),
                        v instanceof Map<?, ?> c && c.get("condition") != null ? String.valueOf(c.get("condition")) : "service_started"));
            } else if (value instanceof List<?> list) {
                list.forEach(k -> conditions.put(String.valueOf(k), "service_started"));
            }
            return conditions;
        }

        public boolean hasHealthCheck() {
            return definition.get("healthcheck") instanceof Map<?, ?> m && !Boolean.TRUE.equals(m.get("disable"));
        }

        /** Volume mounts written as {@code source:target[:mode]}, sources relative to the project root. */
        public Map<Path, String> bindMounts() {
            Map<Path, String> mounts = new LinkedHashMap<>();
            Object value = definition.get("volumes");
            if (value instanceof List<?> list) {
                for (Object entry : list) {
                    String[] parts = String.valueOf(entry).split(":");
                    if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
                        mounts.put(ProjectFiles.resolve(parts[0]), parts[1]);
                    }
                }
            }
            return mounts;
        }

        @SuppressWarnings("unchecked")
        public List<String> profiles() {
            Object value = definition.get("profiles");
            return value == null ? List.of() : (List<String>) value;
        }
    }
}
