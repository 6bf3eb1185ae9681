package io.github.orderoutbox.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Starts a packaged service (the relay's or the consumer's jar) as its own OS process, so that a
 * test can kill it with SIGKILL as a crash would. The jar is named by a system property that the
 * module's failsafe configuration sets, e.g. {@code relay.jar}.
 */
public final class ServiceJar {

    /**
     * What a process started by {@link #startWithEnvironment} keeps of this JVM's environment: only
     * what any shell gives a program, never a {@code SPRING_*}, {@code RELAY_*} or
     * {@code CONSUMER_*} variable of whoever runs the build, which would make the test prove a
     * setting it did not choose.
     */
    static final Set<String> INHERITED_VARIABLES = Set.of("PATH", "HOME", "USER", "LANG", "TMPDIR", "TZ");

    private ServiceJar() {
    }

    /**
     * Starts {@code java -jar <jar> --key=value ...} with a small heap, its output to {@code log}.
     *
     * @param jarProperty the system property naming the jar
     */
    public static Process start(String jarProperty, Map<String, String> settings, Path log) throws IOException {
        List<String> command = javaJar(jarProperty);
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        return start(new ProcessBuilder(command), log);
    }

    /**
     * Starts {@code java -jar <jar>} with no argument, configured by {@code environment} alone, as
     * the README and docker-compose.yml start a service ({@code SPRING_DATASOURCE_URL=... java -jar}).
     * Of this JVM's own environment only {@link #INHERITED_VARIABLES} are passed on.
     *
     * @param jarProperty the system property naming the jar
     */
    public static Process startWithEnvironment(String jarProperty, Map<String, String> environment, Path log)
            throws IOException {
        return startWithEnvironment(jarProperty, environment, List.of(), log);
    }

    /**
     * Starts {@code java -jar <jar> <arguments...>}, configured by {@code environment} alone, as an
     * operator runs a service's command ({@code SPRING_DATASOURCE_URL=... java -jar event-consumer.jar
     * redrive --order-id=o-1}). Of this JVM's own environment only {@link #INHERITED_VARIABLES} are
     * passed on.
     *
     * @param jarProperty the system property naming the jar
     */
    public static Process startWithEnvironment(String jarProperty, Map<String, String> environment, List<String> arguments,
                                               Path log) throws IOException {
        List<String> command = javaJar(jarProperty);
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().retainAll(INHERITED_VARIABLES);
        builder.environment().putAll(environment);
        return start(builder, log);
    }

    private static List<String> javaJar(String jarProperty) {
        String jar = System.getProperty(jarProperty);
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("service jar not found (system property " + jarProperty + "=" + jar
                    + "); run the tests through Maven verify, which packages it first");
        }
        return new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar));
    }

    private static Process start(ProcessBuilder builder, Path log) throws IOException {
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        return builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
