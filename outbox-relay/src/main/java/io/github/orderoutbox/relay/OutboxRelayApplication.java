package io.github.orderoutbox.relay;

import io.github.orderoutbox.relay.config.RelayProperties;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The outbox relay service. {@code --relay.migrate-only=true} (or {@code RELAY_MIGRATE_ONLY=true})
 * applies the database migrations and exits, for teams that migrate in a separate step.
 */
@SpringBootApplication
public class OutboxRelayApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(OutboxRelayApplication.class);
        boolean migrateOnly = Arrays.asList(args).contains("--relay.migrate-only=true")
                || "true".equalsIgnoreCase(System.getenv("RELAY_MIGRATE_ONLY"));
        if (migrateOnly) {
            application.setWebApplicationType(WebApplicationType.NONE);
        }
        ConfigurableApplicationContext context = application.run(args);
        if (context.getBean(RelayProperties.class).migrateOnly()) {
            System.exit(SpringApplication.exit(context));
        }
    }
}
