package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.endtoend.files.BuiltService;
import io.github.orderoutbox.endtoend.files.ComposeFile;
import io.github.orderoutbox.endtoend.files.Dockerfile;
import io.github.orderoutbox.endtoend.files.ProjectFiles;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile of every service docker-compose.yml builds: what it copies, who it runs as, how it
 * sizes the heap, and a health check that asks the readiness probe where the service serves it.
 * That the copied jar exists once and the extracted layers start is {@link DockerfilesIT}'s part.
 */
class DockerfilesTest {

    private static final Pattern LOCAL_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");

    private final List<BuiltService> built = BuiltService.all(ComposeFile.project());

    @Test
    void copiesTheRunnableJarByItsExactNameFromTheBuildContext() {
        for (BuiltService service : built) {
            List<Dockerfile.Copy> fromContext = service.dockerfile().copies().stream().filter(c -> c.from() == null).toList();
            assertThat(fromContext).as(service.name()).singleElement().satisfies(copy -> assertThat(copy.sources())
                    // A wildcard matched the -classes jar too; the version is the build's, not another.
                    .containsExactly("target/" + service.moduleName() + "-" + ProjectFiles.version() + ".jar"));
        }
    }

    @Test
    void copiesIntoTheImageOnlyWhatAnEarlierStageBuilt() {
        for (BuiltService service : built) {
            Dockerfile dockerfile = service.dockerfile();
            for (Dockerfile.Copy copy : dockerfile.copies()) {
                if (copy.stage() == dockerfile.finalStage()) {
                    assertThat(dockerfile.stageNames()).as("%s copies from", service).containsKey(copy.from());
                }
            }
        }
    }

    @Test
    void runsAsAUserItCreatedNotRoot() {
        for (BuiltService service : built) {
            Dockerfile dockerfile = service.dockerfile();
            String user = dockerfile.lastInFinalStage("USER").orElseThrow(() -> new AssertionError(service + " sets no USER"))
                    .arguments();
            assertThat(user).as(service.name()).isNotIn("root", "0", "0:0");
            assertThat(dockerfile.inStage(dockerfile.finalStage(), "RUN")).as("%s creates user %s", service, user)
                    .anySatisfy(run -> assertThat(run.arguments()).containsPattern("useradd .*--uid " + user + "\\b"));
        }
    }

    @Test
    void sizesTheHeapFromTheContainersMemoryLimit() {
        for (BuiltService service : built) {
            List<String> entrypoint = service.dockerfile().execEntrypoint()
                    .orElseThrow(() -> new AssertionError(service + ": ENTRYPOINT in exec form, so java gets SIGTERM itself"));
            assertThat(entrypoint.get(0)).isEqualTo("java");
            assertThat(entrypoint).as(service.name()).anyMatch(flag -> flag.startsWith("-XX:MaxRAMPercentage="))
                    .noneMatch(flag -> flag.startsWith("-Xmx") || flag.startsWith("-Xms"));
        }
    }

    @Test
    void startsTheLauncherOfTheLayersItExtracted() {
        for (BuiltService service : built) {
            Dockerfile dockerfile = service.dockerfile();
            assertThat(dockerfile.all("RUN")).as(service.name())
                    .anySatisfy(run -> assertThat(run.arguments()).contains("-Djarmode=tools").contains("extract --layers --launcher"));
            assertThat(dockerfile.execEntrypoint().orElseThrow()).as(service.name())
                    .endsWith("org.springframework.boot.loader.launch.JarLauncher");
            assertThat(dockerfile.copies().stream().filter(c -> c.stage() == dockerfile.finalStage())
                    .map(c -> c.sources().get(0).replaceAll(".*/layers/", "").replace("/", "")))
                    .as("%s copies every layer", service)
                    .containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        }
    }

    @Test
    void exposesThePortTheServiceListensOn() {
        for (BuiltService service : built) {
            service.configuration().ifPresent(c -> assertThat(service.dockerfile().exposedPorts()).as(service.name())
                    .containsExactly(c.serverPort()));
            assertThat(service.compose().publishedPorts().values()).as(service.name())
                    .isSubsetOf(service.dockerfile().exposedPorts());
        }
    }

    @Test
    void checksHealthOnTheReadinessProbeWhereTheServiceServesIt() {
        for (BuiltService service : built) {
            Dockerfile dockerfile = service.dockerfile();
            String command = dockerfile.healthCheckCommand().orElseThrow(() -> new AssertionError(service + " has no HEALTHCHECK"));
            Matcher url = LOCAL_URL.matcher(command);
            assertThat(url.find()).as("%s checks a local URL: %s", service, command).isTrue();
            int port = Integer.parseInt(url.group(1));
            String path = url.group(2);
            if (service.configuration().isPresent()) {
                var configuration = service.configuration().get();
                assertThat(port).as("%s health check port", service).isEqualTo(configuration.managementPort());
                assertThat(path).as("%s health check path", service).isEqualTo(configuration.actuatorBasePath() + "/health/readiness");
                assertThat(configuration.readinessProbeEnabled()).as("%s turns the probes on", service).isTrue();
                assertThat(configuration.exposedEndpoints()).as(service.name()).contains("health");
            } else {
                assertThat(port).as("%s health check port", service).isIn(dockerfile.exposedPorts());
                assertThat(path).isEqualTo("/actuator/health/readiness");
            }
            // curl ships with eclipse-temurin's Ubuntu images (not with the Alpine ones).
            assertThat(command).startsWith("curl -f");
            assertThat(dockerfile.baseImage()).as(service.name()).startsWith("eclipse-temurin:").doesNotContain("alpine");
        }
    }
}
