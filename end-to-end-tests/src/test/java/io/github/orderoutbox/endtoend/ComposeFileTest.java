package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.endtoend.files.BuiltService;
import io.github.orderoutbox.endtoend.files.ComposeFile;
import io.github.orderoutbox.endtoend.files.ProjectFiles;
import io.github.orderoutbox.endtoend.files.ServiceConfiguration;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml agrees with the services it runs: ports, health checks, start order, users and
 * passwords, and the monitoring profile's files. No Docker engine runs here, so the file is read.
 * Environment variables are checked against the packaged jars in {@link ComposeVariablesBindIT}.
 */
class ComposeFileTest {

    private static final Pattern PASSWORD_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-([^}]*)}");

    private final ComposeFile compose = ComposeFile.project();
    private final List<BuiltService> built = BuiltService.all(compose);

    @Test
    void buildsTheRelaysTheConsumersAndTheDemoWriter() {
        assertThat(built).extracting(BuiltService::moduleName)
                .containsExactlyInAnyOrder("outbox-relay", "outbox-relay", "event-consumer", "event-consumer", "demo-orders");
    }

    @Test
    void publishesThePortEachServiceListensOn() {
        for (BuiltService service : built) {
            Set<Integer> listening = new HashSet<>(service.dockerfile().exposedPorts());
            service.configuration().ifPresent(c -> {
                listening.clear();
                listening.addAll(List.of(c.serverPort(), c.managementPort()));
            });
            assertThat(service.compose().publishedPorts().values())
                    .as("container ports %s publishes (it listens on %s)", service, listening)
                    .isNotEmpty().isSubsetOf(listening);
        }
    }

    @Test
    void publishesEachHostPortOnce() {
        List<Integer> hostPorts = compose.services().stream().flatMap(s -> s.publishedPorts().keySet().stream()).toList();
        assertThat(hostPorts).doesNotHaveDuplicates();
    }

    @Test
    void waitsForHealthOnlyOnServicesThatHaveAHealthCheck() {
        Map<String, Boolean> healthChecked = new HashMap<>();
        compose.services().forEach(s -> healthChecked.put(s.name(), s.hasHealthCheck()));
        built.forEach(b -> healthChecked.merge(b.name(), b.dockerfile().healthCheckCommand().isPresent(), Boolean::logicalOr));
        for (ComposeFile.Service service : compose.services()) {
            service.dependsOn().forEach((dependency, condition) -> {
                assertThat(healthChecked).as("%s depends on %s", service.name(), dependency).containsKey(dependency);
                if (condition.equals("service_healthy")) {
                    assertThat(healthChecked.get(dependency))
                            .as("%s waits for %s to be healthy, which has no health check", service.name(), dependency).isTrue();
                }
            });
        }
    }

    @Test
    void startsTheConsumersAndTheDemoOnceARelayHasCreatedTheTopicAndTheOutbox() {
        for (BuiltService service : built) {
            if (!service.moduleName().equals("outbox-relay")) {
                assertThat(service.compose().dependsOn()).as(service.name())
                        .containsEntry("outbox-relay-1", "service_healthy");
            }
        }
    }

    @Test
    void givesEveryPasswordAsAVariableWithADevOnlyDefaultTheSameEverywhere() {
        Map<String, Set<String>> defaults = new HashMap<>();
        for (ComposeFile.Service service : compose.services()) {
            service.environment().forEach((name, value) -> {
                if (name.contains("PASSWORD")) {
                    Matcher matcher = PASSWORD_VARIABLE.matcher(String.valueOf(value));
                    assertThat(matcher.matches()).as("%s of %s is ${VARIABLE:-...dev-only...}, not %s", name, service.name(), value)
                            .isTrue();
                    assertThat(matcher.group(2)).as("default of %s", matcher.group(1)).contains("dev-only");
                    defaults.computeIfAbsent(matcher.group(1), v -> new HashSet<>()).add(matcher.group(2));
                }
            });
        }
        defaults.forEach((variable, values) -> assertThat(values).as("defaults of %s", variable).hasSize(1));
    }

    @Test
    void runsOurServicesAsTheLoginUsersThePostgresInitScriptCreatesWithTheirPasswords() throws IOException {
        Map<String, String> postgres = compose.service("postgres").environment();
        String roles = Files.readString(ProjectFiles.resolve("deploy/postgres-roles.sql"));
        String init = Files.readString(ProjectFiles.resolve("deploy/postgres-init.sh"));
        for (BuiltService service : built) {
            Map<String, String> environment = service.compose().environment();
            String user = environment.get("SPRING_DATASOURCE_USERNAME");
            // CREATE ROLE relay_app LOGIN PASSWORD :'relay_password' ...
            Matcher role = Pattern.compile("CREATE ROLE " + user + " LOGIN PASSWORD :'(\\w+)'").matcher(roles);
            assertThat(role.find()).as("%s logs in as %s, a login user of postgres-roles.sql", service, user).isTrue();
            // -v relay_password="$RELAY_DB_PASSWORD"
            Matcher variable = Pattern.compile("-v " + role.group(1) + "=\"\\$(\\w+)\"").matcher(init);
            assertThat(variable.find()).as("postgres-init.sh sets %s", role.group(1)).isTrue();
            assertThat(environment.get("SPRING_DATASOURCE_PASSWORD")).as("password of %s for %s", user, service)
                    .isEqualTo(postgres.get(variable.group(1)));
            assertThat(environment.get("SPRING_FLYWAY_USER")).as("migrations of %s run as the owner", service)
                    .isEqualTo(postgres.get("POSTGRES_USER"));
            assertThat(environment.get("SPRING_FLYWAY_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        }
    }

    @Test
    void scrapesEveryInstanceOfOurServicesAtItsPrometheusEndpoint() throws IOException {
        ComposeFile.Service prometheus = compose.service("prometheus");
        assertThat(prometheus.profiles()).containsExactly("monitoring");
        Path configFolder = mountedFolder(prometheus, "/etc/prometheus");
        Map<String, Object> config = yaml(configFolder.resolve("prometheus.yml"));
        Map<String, String> metricsPathOfTarget = new HashMap<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Map<?, ?> scrape = (Map<?, ?>) job;
            String path = String.valueOf(scrape.get("metrics_path"));
            for (Object staticConfig : (List<?>) scrape.get("static_configs")) {
                ((List<?>) ((Map<?, ?>) staticConfig).get("targets")).forEach(t -> metricsPathOfTarget.put(String.valueOf(t), path));
            }
        }
        for (BuiltService service : built) {
            int port = service.configuration().map(ServiceConfiguration::managementPort)
                    .orElse(service.compose().publishedPorts().values().iterator().next());
            String base = service.configuration().map(ServiceConfiguration::actuatorBasePath).orElse("/actuator");
            service.configuration().ifPresent(c -> assertThat(c.exposedEndpoints()).as(service.name()).contains("prometheus"));
            assertThat(metricsPathOfTarget).as("scrape targets").containsEntry(service.name() + ":" + port, base + "/prometheus");
        }
        Set<String> services = new HashSet<>(compose.services().stream().map(ComposeFile.Service::name).toList());
        metricsPathOfTarget.keySet().forEach(target -> assertThat(services).as("target " + target).contains(target.split(":")[0]));

        List<String> ruleFiles = ((List<?>) config.get("rule_files")).stream().map(String::valueOf).toList();
        try (Stream<Path> files = Files.list(ProjectFiles.resolve("deploy/prometheus"))) {
            for (Path alerts : files.filter(f -> f.getFileName().toString().endsWith("-alerts.yml")).toList()) {
                Path inContainer = Path.of("/etc/prometheus").resolve(alerts.getFileName());
                assertThat(ruleFiles.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                        .anyMatch(m -> m.matches(inContainer))).as("rule_files load %s", alerts.getFileName()).isTrue();
            }
        }
    }

    @Test
    void provisionsGrafanaWithTheDashboardsAndTheDataSourceTheyName() throws IOException {
        ComposeFile.Service grafana = compose.service("grafana");
        assertThat(grafana.profiles()).containsExactly("monitoring");
        Path provisioning = mountedFolder(grafana, "/etc/grafana/provisioning");
        List<String> uids = new ArrayList<>();
        try (Stream<Path> files = Files.list(provisioning.resolve("datasources"))) {
            for (Path file : files.toList()) {
                for (Object source : (List<?>) yaml(file).get("datasources")) {
                    uids.add(String.valueOf(((Map<?, ?>) source).get("uid")));
                    assertThat(String.valueOf(((Map<?, ?>) source).get("url"))).startsWith("http://prometheus:9090");
                }
            }
        }
        List<String> dashboardPaths = new ArrayList<>();
        try (Stream<Path> files = Files.list(provisioning.resolve("dashboards"))) {
            for (Path file : files.toList()) {
                for (Object provider : (List<?>) yaml(file).get("providers")) {
                    dashboardPaths.add(String.valueOf(((Map<?, ?>) ((Map<?, ?>) provider).get("options")).get("path")));
                }
            }
        }
        assertThat(dashboardPaths).isNotEmpty();
        for (String path : dashboardPaths) {
            Path dashboards = mountedFolder(grafana, path);
            PathMatcher json = FileSystems.getDefault().getPathMatcher("glob:*.json");
            try (Stream<Path> files = Files.list(dashboards)) {
                List<Path> found = files.filter(f -> json.matches(f.getFileName())).toList();
                assertThat(found).as("dashboards in %s", dashboards).isNotEmpty();
                for (Path dashboard : found) {
                    List<String> named = JsonPath.read(dashboard.toFile(), "$..datasource.uid");
                    assertThat(uids).as("data sources %s names", dashboard.getFileName()).containsAll(new HashSet<>(named));
                }
            }
        }
        String home = grafana.environment().get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        if (home != null) {
            Path folder = Path.of(home).getParent();
            assertThat(mountedFolder(grafana, folder.toString()).resolve(Path.of(home).getFileName())).isRegularFile();
        }
    }

    /** The project folder a service mounts at this path in its container. */
    private static Path mountedFolder(ComposeFile.Service service, String target) {
        Path source = service.bindMounts().entrySet().stream().filter(m -> m.getValue().equals(target)).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError(service.name() + " mounts nothing at " + target));
        assertThat(source).as("%s mounts %s", service.name(), source).isDirectory();
        return source;
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().load(reader);
        }
    }
}
