package io.github.orderoutbox.consumer;

import io.github.orderoutbox.consumer.command.ConsumerCommand;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * event-consumer: applies every order event to the read model exactly once, in order per order.
 *
 * <p>Started without a command it runs the service. Started with a command word first, e.g.
 * {@code java -jar event-consumer.jar redrive --order-id=o-17}, it runs that operator's command
 * with the same configuration, but without the delivery loop or a web server, and exits with the
 * command's exit code.
 */
@SpringBootApplication
public class EventConsumerApplication {

    /** Set to false for commands: they must not consume as the service does while they work. */
    public static final String LOOP_ENABLED = "consumer.loop.enabled";

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].startsWith("-")) {
            System.exit(runCommand(args[0], Arrays.copyOfRange(args, 1, args.length), System.out));
        }
        new SpringApplicationBuilder(EventConsumerApplication.class).run(args);
    }

    /**
     * Runs the named command with these arguments and returns its exit code.
     *
     * @param args the command's options, plus any configuration ({@code --spring.datasource.url=...})
     */
    public static int runCommand(String name, String[] args, PrintStream out) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(EventConsumerApplication.class)
                .web(WebApplicationType.NONE)
                // The command's own output is what the operator reads: the service's info logs would bury it.
                // --logging.level.root=info brings them back.
                .properties(Map.of(LOOP_ENABLED, "false", "spring.main.banner-mode", "off", "logging.level.root", "warn"))
                .run(args)) {
            Map<String, ConsumerCommand> commands = context.getBeansOfType(ConsumerCommand.class);
            ConsumerCommand command = commands.values().stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
            if (command == null) {
                out.println("Unknown command '" + name + "'. Commands:");
                commands.values().forEach(c -> out.println("\n" + c.name() + "\n  " + c.usage()));
                return 2;
            }
            return command.run(new DefaultApplicationArguments(args), out);
        } catch (Exception e) {
            out.println(name + " failed: " + e);
            return 1;
        }
    }
}
