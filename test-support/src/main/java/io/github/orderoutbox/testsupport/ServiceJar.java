package io.github.orderoutbox.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a packaged service (the relay's or the consumer's jar) as its own OS process, so that a
 * test can kill it with SIGKILL as a crash would. The jar is named by a system property that the
 * module's failsafe configuration sets, e.g. {@code relay.jar}.
 */
public final class ServiceJar {

    private ServiceJar() {
    }

    /**
     * Starts {@code java -jar <jar> --key=value ...} with a small heap, its output to {@code log}.
     *
     * @param jarProperty the system property naming the jar
     */
    public static Process start(String jarProperty, Map<String, String> settings, Path log) throws IOException {
        String jar = System.getProperty(jarProperty);
        if (jar == null || !new File(jar).isFile()) {
            throw new IllegalStateException("service jar not found (system property " + jarProperty + "=" + jar
                    + "); run the tests through Maven verify, which packages it first");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar));
        settings.forEach((key, value) -> command.add("--" + key + "=" + value));
        if (log.getParent() != null) {
            Files.createDirectories(log.getParent());
        }
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
