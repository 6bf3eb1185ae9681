package io.github.orderoutbox.consumer.command;

import java.io.PrintStream;
import org.springframework.boot.ApplicationArguments;

/**
 * An operator's command run from the consumer's jar instead of the service, such as
 * {@code java -jar event-consumer.jar redrive --order-id=o-17 --dry-run}: the first argument names
 * the command, the rest are its options. The command runs with the service's configuration
 * (datasource, Redis, Kafka, {@code consumer.*}) but without the delivery loop or a web server.
 */
public interface ConsumerCommand {

    /** The word that selects the command, e.g. {@code redrive}. */
    String name();

    /** One paragraph: what it does and its options, printed by {@code help} and on bad options. */
    String usage();

    /**
     * Runs the command, writing what it does (progress, results) to {@code out}.
     *
     * @return the process exit code: 0 when it did what was asked, 1 when it failed, 2 for bad options
     */
    int run(ApplicationArguments arguments, PrintStream out) throws Exception;
}
