package io.github.orderoutbox.endtoend.files;

import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The properties a packaged service can bind, read from its jar as it runs: the configuration
 * metadata of every library it ships ({@code META-INF/spring-configuration-metadata.json}, Spring
 * Boot's {@code spring.datasource.*}, {@code management.*}...) and the components of its own
 * {@code @ConfigurationProperties} records; and the environment variables its classes read themselves.
 * {@link #bindingOf} maps an environment variable to a property as the service does, through Boot's
 * {@link SystemEnvironmentPropertySource} and {@link ConfigurationPropertySource}.
 */
public final class PackagedProperties {

    private static final String CONFIGURATION_PROPERTIES = "org.springframework.boot.context.properties.ConfigurationProperties";
    private static final String OUR_PACKAGE = "io.github.orderoutbox.";

    /** Read by the JVM itself, whatever the service. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private final Set<ConfigurationPropertyName> properties = new TreeSet<>();
    private final Set<ConfigurationPropertyName> maps = new TreeSet<>();
    private final List<byte[]> ownClasses = new ArrayList<>();

    private PackagedProperties() {
    }

    /** Reads a Spring Boot jar; its classes are loaded in a class loader of their own, never run. */
    public static PackagedProperties of(Path jar) {
        PackagedProperties result = new PackagedProperties();
        try {
            Path unpacked = Files.createTempDirectory("packaged-properties");
            try {
                result.read(jar, unpacked);
            } finally {
                deleteRecursively(unpacked);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        return result;
    }

    /**
     * The property this environment variable sets in the service, e.g. {@code relay.topic-partitions}
     * for {@code RELAY_TOPIC_PARTITIONS}, {@code spring.kafka.properties.*} for a key of that map, or
     * {@code (read by the service)} / {@code (read by the JVM)}; empty if it sets nothing.
     */
    public Optional<String> bindingOf(String variable, String value) {
        if (JVM_VARIABLES.contains(variable)) {
            return Optional.of("(read by the JVM)");
        }
        Map<String, Object> environment = Map.of(variable, value == null || value.isEmpty() ? "1" : value);
        ConfigurationPropertySource source = ConfigurationPropertySource.from(
                new SystemEnvironmentPropertySource("systemEnvironment", environment));
        for (ConfigurationPropertyName property : properties) {
            if (source.getConfigurationProperty(property) != null) {
                return Optional.of(property.toString());
            }
        }
        for (ConfigurationPropertyName map : maps) {
            if (source.containsDescendantOf(map) == ConfigurationPropertyState.PRESENT) {
                return Optional.of(map + ".*");
            }
        }
        if (readsItself(variable)) {
            return Optional.of("(read by the service)");
        }
        return Optional.empty();
    }

    /** How many properties were found, for a sanity check. */
    public int size() {
        return properties.size() + maps.size();
    }

    private boolean readsItself(String variable) {
        byte[] name = variable.getBytes(StandardCharsets.UTF_8);
        byte[] getenv = "getenv".getBytes(StandardCharsets.UTF_8);
        return ownClasses.stream().anyMatch(bytes -> contains(bytes, name) && contains(bytes, getenv));
    }

    private void read(Path jar, Path unpacked) throws IOException {
        // Created first: a URL of a folder that does not exist yet is taken for a jar's.
        Path classes = Files.createDirectories(unpacked.resolve("classes"));
        List<URL> classPath = new ArrayList<>();
        classPath.add(classes.toUri().toURL());
        List<String> ownClassNames = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
                    Path lib = unpacked.resolve(name.substring("BOOT-INF/lib/".length()));
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, lib);
                    }
                    classPath.add(lib.toUri().toURL());
                    readMetadataIn(lib);
                } else if (name.startsWith("BOOT-INF/classes/")) {
                    Path file = classes.resolve(name.substring("BOOT-INF/classes/".length()));
                    Files.createDirectories(file.getParent());
                    try (InputStream in = zip.getInputStream(entry)) {
                        Files.copy(in, file);
                    }
                    if (name.endsWith(".class")) {
                        ownClasses.add(Files.readAllBytes(file));
                        ownClassNames.add(name.substring("BOOT-INF/classes/".length(), name.length() - ".class".length()).replace('/', '.'));
                    } else if (name.endsWith("META-INF/spring-configuration-metadata.json")) {
                        readMetadata(Files.readString(file));
                    }
                }
            }
        }
        try (URLClassLoader loader = new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            readConfigurationProperties(loader, ownClassNames);
        }
    }

    private void readMetadataIn(Path lib) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(lib))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals("META-INF/spring-configuration-metadata.json")) {
                    readMetadata(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
    }

    private void readMetadata(String json) {
        List<Map<String, Object>> entries = JsonPath.read(json, "$.properties[*]");
        for (Map<String, Object> entry : entries) {
            String name = String.valueOf(entry.get("name"));
            String type = String.valueOf(entry.get("type"));
            if (entry.get("deprecation") instanceof Map<?, ?> deprecation && "error".equals(deprecation.get("level"))) {
                // Listed only to say it moved (spring.redis.* is spring.data.redis.*): nothing binds it any more.
                continue;
            }
            ConfigurationPropertyName property = ConfigurationPropertyName.isValid(name)
                    ? ConfigurationPropertyName.of(name) : ConfigurationPropertyName.adapt(name, '.');
            if (property.isEmpty()) {
                continue;
            }
            properties.add(property);
            if (type.startsWith("java.util.Map") || type.startsWith("java.util.List") || type.startsWith("java.util.Set")
                    || type.endsWith("[]")) {
                maps.add(property);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void readConfigurationProperties(ClassLoader loader, List<String> classNames) {
        Class<? extends Annotation> annotation;
        try {
            annotation = (Class<? extends Annotation>) loader.loadClass(CONFIGURATION_PROPERTIES);
        } catch (ClassNotFoundException e) {
            return;
        }
        for (String className : classNames) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
                Annotation onType = type.getAnnotation(annotation);
                if (onType != null) {
                    addType(prefix(onType), type);
                }
                for (Method method : type.getDeclaredMethods()) {
                    Annotation onMethod = method.getAnnotation(annotation);
                    if (onMethod != null) {
                        addType(prefix(onMethod), method.getReturnType());
                    }
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                // A class that needs what the service does not ship cannot be bound either.
            }
        }
    }

    private static String prefix(Annotation annotation) throws ReflectiveOperationException {
        String prefix = (String) annotation.annotationType().getMethod("prefix").invoke(annotation);
        return prefix.isEmpty() ? (String) annotation.annotationType().getMethod("value").invoke(annotation) : prefix;
    }

    /** A record's components (or a JavaBean's setters) as properties under the prefix, nested types of ours recursively. */
    private void addType(String prefix, Class<?> type) throws ReflectiveOperationException {
        Map<String, Class<?>> components = new java.util.LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                components.put(nameOf(component), component.getType());
            }
        } else {
            // A JavaBean: its setters.
            for (Method method : type.getMethods()) {
                if (method.getName().startsWith("set") && method.getName().length() > 3 && method.getParameterCount() == 1) {
                    String property = method.getName().substring(3);
                    components.put(Character.toLowerCase(property.charAt(0)) + property.substring(1), method.getParameterTypes()[0]);
                }
            }
        }
        for (Map.Entry<String, Class<?>> component : components.entrySet()) {
            String name = prefix + "." + dashed(component.getKey());
            Class<?> componentType = component.getValue();
            ConfigurationPropertyName property = ConfigurationPropertyName.of(name);
            if (Map.class.isAssignableFrom(componentType)) {
                maps.add(property);
            } else if (Collection.class.isAssignableFrom(componentType) || componentType.isArray()) {
                properties.add(property);
                maps.add(property);
            } else if (componentType.getName().startsWith(OUR_PACKAGE) && !componentType.isEnum()) {
                addType(name, componentType);
            } else {
                properties.add(property);
            }
        }
    }

    private static String nameOf(RecordComponent component) throws ReflectiveOperationException {
        for (Annotation annotation : component.getAnnotations()) {
            if (annotation.annotationType().getName().equals("org.springframework.boot.context.properties.bind.Name")) {
                return (String) annotation.annotationType().getMethod("value").invoke(annotation);
            }
        }
        return component.getName();
    }

    /** {@code topicPartitions} is {@code topic-partitions}, as Boot names a component. */
    private static String dashed(String name) {
        StringBuilder result = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c) && !result.isEmpty()) {
                result.append('-');
            }
            result.append(Character.toLowerCase(c));
        }
        return result.toString();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
