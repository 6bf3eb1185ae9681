package io.github.orderoutbox.localstack.services;

import io.github.orderoutbox.localstack.process.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a service's packaged jar as {@code java -jar}, behind the same watchdog as the servers,
 * with its log in the stack's log folder.
 */
public final class ServiceLauncher {

    /**
     * A small heap and a quick start: the JIT's first tier is plenty at a demo's rate, and four or
     * more JVMs share the machine with the servers.
     */
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    private final Path logDirectory;
    private final Map<Service, Path> jars;

    public ServiceLauncher(Path logDirectory, Map<Service, Path> jars) {
        this.logDirectory = logDirectory;
        this.jars = Map.copyOf(jars);
    }

    /** Starts instance {@code name} (e.g. {@code consumer-2}) on {@code port}; not ready yet. */
    public RunningService start(Service service, String name, int port, Map<String, String> environment) {
        Path jar = jars.get(service);
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalStateException("the jar of " + service.module() + " is missing: " + jar);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-jar", jar.toString()));
        ServerProcess process = ServerProcess.start(name, command, environment, logDirectory.resolve(name + ".log"));
        return new RunningService(service, name, port, process);
    }

    /** Where {@code <module>/target/<module>-<version>.jar} is, below the project's root. */
    public static Path jarOf(Service service, Path projectDirectory, String version) {
        return projectDirectory.resolve(service.module()).resolve("target").resolve(service.module() + "-" + version + ".jar");
    }
}
