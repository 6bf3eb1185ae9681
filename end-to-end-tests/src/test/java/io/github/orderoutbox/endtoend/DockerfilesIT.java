package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.endtoend.files.BuiltService;
import io.github.orderoutbox.endtoend.files.ComposeFile;
import io.github.orderoutbox.endtoend.files.Dockerfile;
import io.github.orderoutbox.endtoend.files.ProjectFiles;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.RedisServer;
import io.github.orderoutbox.testsupport.TestServers;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each Dockerfile does, done here without Docker after {@code package}: its COPY from the build
 * context matches exactly one file, its extraction stage runs as written, every layer the image copies
 * exists, and the image's ENTRYPOINT, started in the image's working directory with docker-compose.yml's
 * environment (servers pointed at the test's), answers on the HEALTHCHECK's readiness URL.
 */
class DockerfilesIT {

    private static final Pattern LOCAL_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");

    @TempDir
    Path images;

    private final List<RunningService> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(RunningService::close);
    }

    @Test
    void everyCopyFromTheBuildContextMatchesExactlyOneFileAfterPackage() throws IOException {
        for (BuiltService service : servicesInTheBuild()) {
            for (Dockerfile.Copy copy : service.dockerfile().copies()) {
                if (copy.from() == null) {
                    for (String source : copy.sources()) {
                        assertThat(matches(service.module(), source)).as("%s: COPY %s", service.dockerfile().file(), source)
                                .hasSize(1);
                    }
                }
            }
        }
    }

    @Test
    void theExtractedLayersStartWithComposesEnvironmentAndAnswerTheHealthCheck() throws Exception {
        PostgresServer postgres = TestServers.postgres();
        KafkaServer kafka = TestServers.kafka();
        RedisServer redis = TestServers.redis();
        String database = postgres.createDatabase("images");
        String unique = UUID.randomUUID().toString().substring(0, 8);
        Set<Path> done = new HashSet<>();
        for (BuiltService service : servicesInTheBuild()) {
            if (!done.add(service.module())) {
                continue;
            }
            Path workdir = buildImage(service, images.resolve(service.moduleName()));

            Matcher url = LOCAL_URL.matcher(service.dockerfile().healthCheckCommand().orElseThrow());
            assertThat(url.find()).isTrue();
            int port = RunningService.freePort();
            Map<String, String> environment = new LinkedHashMap<>();
            service.compose().environment().forEach((name, value) -> {
                if (value != null) {
                    environment.put(name, ComposeFile.withDefaults(value));
                }
            });
            // The test's servers instead of compose's, as the admin user (the login users are the
            // business of the tests of the roles); topics, group and keys of this test's own.
            environment.put("SERVER_PORT", Integer.toString(port));
            environment.put("SPRING_DATASOURCE_URL", postgres.jdbcUrl(database));
            environment.put("SPRING_DATASOURCE_USERNAME", postgres.adminUser());
            environment.put("SPRING_DATASOURCE_PASSWORD", postgres.adminPassword());
            environment.put("SPRING_FLYWAY_USER", postgres.adminUser());
            environment.put("SPRING_FLYWAY_PASSWORD", postgres.adminPassword());
            environment.replace("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
            environment.replace("SPRING_DATA_REDIS_URL", redis.url());
            environment.put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "");
            switch (service.moduleName()) {
                case "outbox-relay" -> environment.put("RELAY_TOPICS_ORDER", "orders.events.images" + unique);
                case "event-consumer" -> {
                    environment.put("CONSUMER_TOPIC", "orders.events.images" + unique);
                    environment.put("CONSUMER_DEAD_LETTER_TOPIC", "orders.events.images" + unique + ".dlq");
                    environment.put("CONSUMER_GROUP_ID", "images-it" + unique);
                    environment.put("CONSUMER_REDIS_KEY_PREFIX", "images-it" + unique + ":applied:");
                }
                case "demo-orders" -> {
                    environment.put("DEMO_RATE", "5");
                    environment.put("DEMO_ORDERS", "10");
                }
                default -> throw new AssertionError("no test settings for " + service.moduleName());
            }

            List<String> command = new ArrayList<>(service.dockerfile().execEntrypoint().orElseThrow());
            command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
            ProcessBuilder builder = new ProcessBuilder(command).directory(workdir.toFile()).redirectErrorStream(true);
            // As in the image, where no CLASSPATH is set: java's class path is then the working directory.
            builder.environment().remove("CLASSPATH");
            builder.environment().putAll(environment);
            // The container's memory limit would size the heap; here the test's small one does.
            builder.environment().put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
            Path log = Path.of("target", "dockerfiles-it", service.moduleName() + ".log");
            Files.createDirectories(log.getParent());
            RunningService running = new RunningService(service.name(), builder.redirectOutput(log.toFile()).start(), port, log);
            started.add(running);
            running.awaitReady(url.group(2), Duration.ofMinutes(2));
        }
        assertThat(done).as("services started from their layers").isNotEmpty();
    }

    /**
     * Builds the image's file system the way its Dockerfile says: the stages before the last copy from
     * the build context and run their RUN lines (with this JVM's java); the last stage copies from them.
     * Returns the final stage's working directory.
     */
    private static Path buildImage(BuiltService service, Path root) throws IOException, InterruptedException {
        Dockerfile dockerfile = service.dockerfile();
        Map<String, Integer> stageNames = dockerfile.stageNames();
        Path workdirOfFinal = null;
        for (int stage = 0; stage <= dockerfile.finalStage(); stage++) {
            Path stageRoot = root.resolve("stage" + stage);
            Path workdir = inStage(stageRoot, dockerfile.workdir(stage));
            Files.createDirectories(workdir);
            for (Dockerfile.Copy copy : dockerfile.copies()) {
                if (copy.stage() != stage) {
                    continue;
                }
                Path destination = copy.destination().startsWith("/") ? inStage(stageRoot, copy.destination())
                        : workdir.resolve(copy.destination());
                for (String source : copy.sources()) {
                    if (copy.from() == null) {
                        List<Path> files = matches(service.module(), source);
                        assertThat(files).as("%s: COPY %s", dockerfile.file(), source).hasSize(1);
                        Files.copy(files.get(0), destination, StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        assertThat(stageNames).as("%s: COPY --from=%s", dockerfile.file(), copy.from()).containsKey(copy.from());
                        Path from = inStage(root.resolve("stage" + stageNames.get(copy.from())), source);
                        assertThat(from).as("%s: COPY --from=%s %s", dockerfile.file(), copy.from(), source).isDirectory();
                        copyTree(from, destination);
                    }
                }
            }
            for (Dockerfile.Instruction run : dockerfile.inStage(stage, "RUN")) {
                if (stage == dockerfile.finalStage()) {
                    continue; // useradd and the like: the image's system, not its application
                }
                ProcessBuilder builder = new ProcessBuilder("sh", "-c", run.arguments()).directory(workdir.toFile())
                        .redirectErrorStream(true);
                builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
                Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes());
                assertThat(process.waitFor()).as("%s: RUN %s\n%s", dockerfile.file(), run.arguments(), output).isZero();
            }
            workdirOfFinal = workdir;
        }
        return workdirOfFinal;
    }

    private static Path inStage(Path stageRoot, String absolute) {
        return stageRoot.resolve(absolute.replaceFirst("^/+", "")).normalize();
    }

    /** The files a COPY source names, relative to the build context; Docker's wildcards are globs. */
    private static List<Path> matches(Path context, String source) throws IOException {
        Path pattern = context.resolve(source).normalize();
        Path folder = pattern.getParent();
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> Files.isRegularFile(f) && matcher.matches(f.getFileName())).toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The services compose builds from modules of this build (the demo's once its module is part of it). */
    private static List<BuiltService> servicesInTheBuild() {
        List<BuiltService> services = BuiltService.all(ComposeFile.project()).stream()
                .filter(s -> ProjectFiles.isModule(s.module())).toList();
        assertThat(services).isNotEmpty();
        return services;
    }
}
