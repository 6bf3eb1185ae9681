package io.github.orderoutbox.endtoend;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.endtoend.files.BuiltService;
import io.github.orderoutbox.endtoend.files.ComposeFile;
import io.github.orderoutbox.endtoend.files.PackagedProperties;
import io.github.orderoutbox.endtoend.files.ProjectFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable docker-compose.yml gives a service sets a property that service has, as
 * Spring Boot's relaxed binding maps it: a misspelt or misplaced variable is otherwise ignored without
 * a word, and the service runs on a default nobody chose. Read from the packaged jars, so it runs after
 * {@code package}. A service whose module is not part of the build yet is left out.
 */
class ComposeVariablesBindIT {

    private static final Map<Path, PackagedProperties> BY_MODULE = new HashMap<>();

    @Test
    void everyVariableOfAServiceSetsAPropertyOfThatService() {
        List<String> unbound = new ArrayList<>();
        List<String> bound = new ArrayList<>();
        for (BuiltService service : BuiltService.all(ComposeFile.project())) {
            if (!ProjectFiles.isModule(service.module())) {
                continue;
            }
            PackagedProperties properties = properties(service.module());
            service.compose().environment().forEach((variable, value) -> {
                String resolved = value == null ? null : ComposeFile.withDefaults(value);
                properties.bindingOf(variable, resolved).ifPresentOrElse(
                        property -> bound.add(service.name() + " " + variable + " -> " + property),
                        () -> unbound.add(service.name() + ": " + variable));
            });
        }
        assertThat(unbound).as("variables that set no property of their service (bound: %s)", bound).isEmpty();
        assertThat(bound).isNotEmpty();
    }

    @Test
    void aVariableNoPropertyOfTheServiceTakesIsReported() {
        PackagedProperties relay = properties(ProjectFiles.resolve("outbox-relay"));
        PackagedProperties consumer = properties(ProjectFiles.resolve("event-consumer"));

        assertThat(relay.bindingOf("RELAY_TOPIC_PARTITIONS", "12")).contains("relay.topic-partitions");
        assertThat(relay.bindingOf("RELAY_TOPICPARTITIONS", "12")).contains("relay.topic-partitions");
        assertThat(relay.bindingOf("RELAY_ADMIN_PASSWORD", "x")).contains("relay.admin.password");
        assertThat(relay.bindingOf("SPRING_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SSL")).contains("spring.kafka.properties.*");
        assertThat(relay.bindingOf("SPRING_FLYWAY_USER", "orders")).contains("spring.flyway.user");
        assertThat(relay.bindingOf("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true")).isPresent();
        assertThat(consumer.bindingOf("SPRING_DATA_REDIS_URL", "redis://r:6379")).contains("spring.data.redis.url");

        assertThat(relay.bindingOf("RELAY_TOPIC_PARTITION", "12")).as("misspelt").isEmpty();
        assertThat(relay.bindingOf("SPRING_DATA_REDIS_URL", "redis://r:6379")).as("the relay has no Redis").isEmpty();
        assertThat(relay.bindingOf("CONSUMER_TOPIC", "orders.events")).as("the consumer's setting").isEmpty();
        assertThat(consumer.bindingOf("RELAY_ADMIN_PASSWORD", "x")).as("the relay's setting").isEmpty();
        assertThat(consumer.bindingOf("SPRING_REDIS_URL", "redis://r:6379")).as("moved to spring.data.redis in Boot 3").isEmpty();
    }

    private PackagedProperties properties(Path module) {
        return BY_MODULE.computeIfAbsent(module, m -> {
            Path jar = ProjectFiles.packagedJar(m);
            assertThat(jar).as("the jar of %s; run through Maven verify, which packages it", m.getFileName()).isRegularFile();
            PackagedProperties properties = PackagedProperties.of(jar);
            assertThat(properties.size()).as("properties found in %s", jar.getFileName()).isGreaterThan(100);
            return properties;
        });
    }
}
