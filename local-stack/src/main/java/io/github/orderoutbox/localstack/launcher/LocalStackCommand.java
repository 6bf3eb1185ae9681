package io.github.orderoutbox.localstack.launcher;

import io.github.orderoutbox.localstack.process.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./run}: the whole pipeline on this machine with nothing but a JDK. Postgres 17, a KRaft
 * broker and Redis from binaries on Maven Central, then the relay, the consumer and the demo
 * orders service from their jars, each a separate process; a status line until Ctrl-C.
 *
 * <p>Exit codes: 0 after Ctrl-C, or when a bounded run ({@code --exit-when-drained}) drained;
 * 1 when something did not start or a bounded run timed out; 2 for a bad option or a taken port.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        versionProvider = LocalStackCommand.Version.class,
        description = {
                "Runs the whole pipeline on this machine, no Docker needed: Postgres 17, a KRaft Kafka broker and",
                "Redis from binaries on Maven Central, the outbox relay, the event consumer and the demo orders",
                "service, each a separate process. All state lives in one folder (--data-dir); the next start",
                "reuses it. Ctrl-C stops everything. p + Enter writes a poison event, r + Enter redrives.", ""},
        footer = {"", "Exit codes: 0 stopped or drained, 1 failed or timed out, 2 bad option or port taken."})
public final class LocalStackCommand implements Callable<Integer> {

    static final int FAILED = 1;
    static final int USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--postgres-port", paramLabel = "PORT", defaultValue = "5432", description = "Postgres (default: ${DEFAULT-VALUE})")
    int postgresPort;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092", description = "Kafka's client listener (default: ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--kafka-controller-port", paramLabel = "PORT", defaultValue = "9093",
            description = "Kafka's KRaft controller listener (default: ${DEFAULT-VALUE})")
    int kafkaControllerPort;

    @Option(names = "--redis-port", paramLabel = "PORT", defaultValue = "6379", description = "Redis (default: ${DEFAULT-VALUE})")
    int redisPort;

    @Option(names = "--relay-port", paramLabel = "PORT", defaultValue = "8080",
            description = "the first relay's HTTP port; relay n gets this + 100 * (n - 1) (default: ${DEFAULT-VALUE})")
    int relayPort;

    @Option(names = "--consumer-port", paramLabel = "PORT", defaultValue = "8081",
            description = "the first consumer's HTTP port; consumer n gets this + 100 * (n - 1) (default: ${DEFAULT-VALUE})")
    int consumerPort;

    @Option(names = "--demo-port", paramLabel = "PORT", defaultValue = "8082", description = "the demo orders service's HTTP port (default: ${DEFAULT-VALUE})")
    int demoPort;

    @Option(names = "--relays", paramLabel = "N", defaultValue = "1", description = "relay instances, each its own process (default: ${DEFAULT-VALUE})")
    int relays;

    @Option(names = "--consumers", paramLabel = "M", defaultValue = "1", description = "consumer instances, each its own process (default: ${DEFAULT-VALUE})")
    int consumers;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "50", description = "orders per second the demo writes (default: ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--orders", paramLabel = "N", defaultValue = "0", description = "stop writing after this many orders; 0 writes on (default: ${DEFAULT-VALUE})")
    long orders;

    @Option(names = "--poison-every", paramLabel = "N", defaultValue = "0", description = "make every n-th order's event a poison event; 0 never (default: ${DEFAULT-VALUE})")
    long poisonEvery;

    @Option(names = "--exit-when-drained",
            description = "bounded run (needs --orders): exit 0 once every event the demo wrote is applied to the read model and the consumer lag is 0")
    boolean exitWhenDrained;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationConverter.class,
            description = "with --exit-when-drained: give up (exit 1) after this long, e.g. 90s, 10m, 1h (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--servers-only",
            description = "start only Postgres, Kafka and Redis, and print the settings to run the services from an IDE")
    boolean serversOnly;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "the folder of all state and logs (default: .local-stack in the project)")
    Path dataDirectory;

    @Option(names = "--reset", description = "delete the data folder first and start clean")
    boolean reset;

    @Option(names = "--project-dir", paramLabel = "DIR", defaultValue = ".", description = "the project's root, where the service jars are built (default: ${DEFAULT-VALUE})")
    Path projectDirectory;

    public static void main(String[] arguments) {
        // Before any logger exists: the launcher's own quiet configuration, not a logback.xml that
        // would also be found by the applications whose tests have this module on their class path.
        System.setProperty("logback.configurationFile", "io/github/orderoutbox/localstack/launcher/launcher-logback.xml");
        System.exit(new CommandLine(new LocalStackCommand()).execute(arguments));
    }

    @Override
    public Integer call() {
        validate();
        if (!Platform.isSupported()) {
            try {
                Platform.requireSupported();
            } catch (Platform.UnsupportedPlatformException e) {
                System.err.println(e.getMessage());
                return FAILED;
            }
        }
        LaunchSettings settings = LaunchSettings.from(this);
        return new Launch(settings, System.out, System.err).run();
    }

    private void validate() {
        CommandLine commandLine = spec.commandLine();
        if (exitWhenDrained && orders <= 0) {
            throw new CommandLine.ParameterException(commandLine, "--exit-when-drained needs --orders N (N > 0): a run without end never drains");
        }
        if (exitWhenDrained && serversOnly) {
            throw new CommandLine.ParameterException(commandLine, "--exit-when-drained and --servers-only exclude each other: without services nothing drains");
        }
        if (relays < 1 || consumers < 1) {
            throw new CommandLine.ParameterException(commandLine, "--relays and --consumers must be at least 1");
        }
        if (rate < 1) {
            throw new CommandLine.ParameterException(commandLine, "--rate must be at least 1 order per second");
        }
        if (orders < 0 || poisonEvery < 0) {
            throw new CommandLine.ParameterException(commandLine, "--orders and --poison-every must not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new CommandLine.ParameterException(commandLine, "--timeout must be positive");
        }
    }

    /** The project's version, from the launcher jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {

        @Override
        public String[] getVersion() {
            return new String[] {"order-outbox local stack " + LaunchSettings.version()};
        }
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, or an ISO-8601 duration such as {@code PT10M}. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

        @Override
        public Duration convert(String value) {
            String text = value.trim().toLowerCase(java.util.Locale.ROOT);
            if (text.startsWith("pt") || text.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(java.util.Locale.ROOT));
            }
            if (text.matches("\\d+(ms|s|m|h)")) {
                long amount = Long.parseLong(text.replaceAll("\\D", ""));
                return switch (text.replaceAll("\\d", "")) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            }
            throw new CommandLine.TypeConversionException("not a duration: " + value + " (e.g. 90s, 10m, 1h)");
        }
    }
}
