package io.github.orderoutbox.localstack.launcher;

import io.github.orderoutbox.localstack.database.DatabaseUsers;
import io.github.orderoutbox.localstack.database.OrdersDatabase;
import io.github.orderoutbox.localstack.kafka.LocalKafka;
import io.github.orderoutbox.localstack.postgres.LocalPostgres;
import io.github.orderoutbox.localstack.process.LocalServer;
import io.github.orderoutbox.localstack.process.ServerFiles;
import io.github.orderoutbox.localstack.redis.LocalRedis;
import io.github.orderoutbox.localstack.services.Endpoints;
import io.github.orderoutbox.localstack.services.RunningService;
import io.github.orderoutbox.localstack.services.Service;
import io.github.orderoutbox.localstack.services.ServiceEnvironment;
import io.github.orderoutbox.localstack.services.ServiceLauncher;
import io.github.orderoutbox.localstack.status.Drain;
import io.github.orderoutbox.localstack.status.Figures;
import io.github.orderoutbox.localstack.status.FiguresReader;
import io.github.orderoutbox.localstack.status.StatusLine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * One run of the stack, in the order that matters: the three servers (together), database
 * {@code orders} and its users, the first relay (which migrates the outbox and creates the topic),
 * the first consumer (which migrates the read model), the other instances, the demo; then a status
 * line every second. Stopping goes the other way, each step waiting for the one before: the demo,
 * the consumers, the relays, then Kafka, Redis and Postgres. A JVM shutdown hook runs the stop on
 * Ctrl-C and SIGTERM; a SIGKILL is covered by every child's watchdog.
 */
final class Launch {

    /** A cold JVM on a busy two-core machine: migrations, Kafka connections, Spring's start. */
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SERVICE_STOP_TIMEOUT = Duration.ofSeconds(30);
    static final String MARKER = ".local-stack-data";

    private final LaunchSettings settings;
    private final PrintStream err;
    private final Terminal terminal;
    private final Endpoints endpoints;
    private final List<RunningService> relays = new CopyOnWriteArrayList<>();
    private final List<RunningService> consumers = new CopyOnWriteArrayList<>();
    private final List<RunningService> demos = new CopyOnWriteArrayList<>();
    private volatile LocalPostgres postgres;
    private volatile LocalKafka kafka;
    private volatile LocalRedis redis;
    private volatile FiguresReader figures;
    private volatile boolean stopping;
    private boolean stopped;
    private FileChannel lockFile;
    private FileLock lock;

    Launch(LaunchSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.err = err;
        this.terminal = Terminal.of(out);
        this.endpoints = new Endpoints(ServerFiles.LOOPBACK, settings.postgresPort(), settings.kafkaPort(), settings.redisPort());
    }

    int run() {
        Optional<String> portProblem = PortCheck.firstProblem(settings.ports());
        if (portProblem.isPresent()) {
            err.println(portProblem.get());
            return LocalStackCommand.USAGE;
        }
        Optional<String> missingJar = missingJar();
        if (missingJar.isPresent()) {
            err.println(missingJar.get());
            return LocalStackCommand.FAILED;
        }
        try {
            prepareDataDirectory();
        } catch (IllegalStateException | UncheckedIOException e) {
            err.println(e.getMessage());
            return LocalStackCommand.FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "local-stack-stop"));
        long startedAt = System.nanoTime();
        try {
            terminal.line("Data in " + settings.dataDirectory() + ", logs in " + settings.logDirectory() + " (one file per process).");
            startServers();
            terminal.line(OrdersDatabase.prepare(postgres) + ".");
            if (settings.serversOnly()) {
                printServerSettings();
                awaitStop();
                return 0;
            }
            startServices();
            return watch(startedAt);
        } catch (RuntimeException e) {
            if (stopping) {
                return LocalStackCommand.FAILED;
            }
            err.println();
            err.println("Could not start the stack: " + e.getMessage());
            return LocalStackCommand.FAILED;
        } finally {
            stop();
        }
    }

    private Optional<String> missingJar() {
        if (settings.serversOnly()) {
            return Optional.empty();
        }
        for (Map.Entry<Service, Path> jar : settings.jars().entrySet()) {
            if (!Files.isRegularFile(jar.getValue())) {
                Path module = settings.projectDirectory().resolve(jar.getKey().module());
                return Optional.of("The jar of " + jar.getKey().module() + " is missing: " + jar.getValue() + "\n"
                        + (Files.isDirectory(module)
                                ? "Build the project first: ./mvnw -B -DskipTests package (./run does this by itself)."
                                : "This checkout has no module " + jar.getKey().module() + " (" + module + ")."));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code --reset} deletes the folder, but only one this launcher made (it holds {@link #MARKER}),
     * so a mistyped {@code --data-dir} cannot wipe anything else. A lock keeps a second launcher off
     * the same folder.
     */
    private void prepareDataDirectory() {
        Path data = settings.dataDirectory();
        try {
            if (settings.reset() && Files.exists(data)) {
                boolean ours = Files.exists(data.resolve(MARKER));
                boolean empty;
                try (var children = Files.list(data)) {
                    empty = children.findAny().isEmpty();
                }
                if (!ours && !empty) {
                    throw new IllegalStateException("--reset refuses to delete " + data + ": it is not a local-stack data folder (no "
                            + MARKER + " in it)");
                }
                ServerFiles.deleteTree(data);
                terminal.line("Deleted " + data + " (--reset).");
            }
            Files.createDirectories(settings.logDirectory());
            Path marker = data.resolve(MARKER);
            if (!Files.exists(marker)) {
                Files.writeString(marker, "All state of the local stack (./run): Postgres, Kafka, logs. "
                        + "Delete this folder, or run with --reset, to start clean.\n");
            }
            lockFile = FileChannel.open(data.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockFile.tryLock();
            if (lock == null) {
                throw new IllegalStateException("Another launcher is using " + data + "; stop it first, or give this one another --data-dir.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the data folder " + data + ": " + e.getMessage(), e);
        }
    }

    private void startServers() {
        Path data = settings.dataDirectory();
        Path logs = settings.logDirectory();
        long startedAt = System.nanoTime();
        ServerFiles postgresFiles = ServerFiles.kept("postgres", data.resolve("postgres"), logs.resolve("postgres.log"));
        boolean fresh = !Files.exists(postgresFiles.dataDirectory().resolve("PG_VERSION"));
        if (fresh) {
            terminal.line("Creating a Postgres 17 cluster in " + postgresFiles.dataDirectory() + " ...");
        }
        postgres = LocalPostgres.keptIn(postgresFiles, settings.postgresPort(),
                DatabaseUsers.OWNER.user(), DatabaseUsers.OWNER.password());
        kafka = LocalKafka.keptIn(ServerFiles.kept("kafka", data.resolve("kafka"), logs.resolve("kafka.log")),
                settings.kafkaPort(), settings.kafkaControllerPort());
        redis = LocalRedis.keptIn(ServerFiles.kept("redis", data.resolve("redis"), logs.resolve("redis.log")),
                settings.redisPort());
        startTogether(List.of(postgres::start, kafka::start, redis::start));
        terminal.line("Postgres 17 on %s:%d, Kafka (KRaft) on %s, Redis on %s: up in %d s.".formatted(
                postgres.host(), postgres.port(), kafka.bootstrapServers(), redis.url(), seconds(startedAt)));
    }

    private void startServices() {
        ServiceLauncher launcher = new ServiceLauncher(settings.logDirectory(), settings.jars());
        long startedAt = System.nanoTime();
        terminal.line("Starting 1 of %d relay(s) (it applies the outbox migrations) ...".formatted(settings.relays()));
        RunningService firstRelay = start(launcher, Service.RELAY, 1, settings.relayPort(1));
        firstRelay.awaitReady(SERVICE_START_TIMEOUT);
        terminal.line("Starting 1 of %d consumer(s) (it applies the read-model migrations) ...".formatted(settings.consumers()));
        RunningService firstConsumer = start(launcher, Service.CONSUMER, 1, settings.consumerPort(1));
        firstConsumer.awaitReady(SERVICE_START_TIMEOUT);
        OrdersDatabase.seedDemoCatalog(postgres);
        List<RunningService> others = new ArrayList<>();
        for (int instance = 2; instance <= settings.relays(); instance++) {
            others.add(start(launcher, Service.RELAY, instance, settings.relayPort(instance)));
        }
        for (int instance = 2; instance <= settings.consumers(); instance++) {
            others.add(start(launcher, Service.CONSUMER, instance, settings.consumerPort(instance)));
        }
        if (!others.isEmpty()) {
            terminal.line("Starting " + others.stream().map(RunningService::name).collect(Collectors.joining(", ")) + " ...");
            others.forEach(service -> service.awaitReady(SERVICE_START_TIMEOUT));
        }
        figures = new FiguresReader(endpoints, "http://" + ServerFiles.LOOPBACK + ":" + settings.demoPort() + "/demo/status");
        terminal.line("Starting the demo orders service ...");
        RunningService demo = start(launcher, Service.DEMO, 0, settings.demoPort());
        demo.awaitReady(SERVICE_START_TIMEOUT);
        terminal.line("Services up in %d s.".formatted(seconds(startedAt)));
    }

    private RunningService start(ServiceLauncher launcher, Service service, int instance, int port) {
        String name = instance == 0 ? service.shortName() : service.shortName() + "-" + instance;
        Map<String, String> environment = ServiceEnvironment.of(service, endpoints, port, settings.demo());
        RunningService running = launcher.start(service, name, port, environment);
        (switch (service) {
            case RELAY -> relays;
            case CONSUMER -> consumers;
            case DEMO -> demos;
        }).add(running);
        return running;
    }

    /**
     * The status line every second until Ctrl-C, or in a bounded run until the pipeline drained
     * (0) or the timeout passed (1). A service that dies is reported once; in a bounded run it
     * ends the run, since the figures could then never add up.
     */
    private int watch(long startedAt) {
        Long appliedBefore = figures.applied();
        Drain drain = new Drain(appliedBefore == null ? 0 : appliedBefore);
        Banner.ready(terminal, settings, endpoints, relays, consumers, demos.get(0), seconds(startedAt));
        Commands.listen(terminal, settings, endpoints, demos.get(0));
        long watchStartedAt = System.nanoTime();
        long deadline = watchStartedAt + settings.timeout().toNanos();
        List<RunningService> reportedDead = new ArrayList<>();
        while (!stopping) {
            long tickAt = System.nanoTime();
            Figures now = figures.read();
            if (stopping) {
                break;
            }
            terminal.status(StatusLine.format(now, Duration.ofNanos(System.nanoTime() - watchStartedAt)));
            for (RunningService service : allServices()) {
                if (!service.process().isAlive() && !reportedDead.contains(service)) {
                    reportedDead.add(service);
                    terminal.line(service.name() + " has exited; its log: " + service.process().logFile()
                            + "\n" + service.process().logTail());
                    if (settings.exitWhenDrained()) {
                        return LocalStackCommand.FAILED;
                    }
                }
            }
            if (settings.exitWhenDrained()) {
                if (drain.isComplete(now)) {
                    terminal.line("Drained in %d s: every event the demo wrote is applied to the read model, and the consumer lag is 0.\n%s"
                            .formatted(seconds(watchStartedAt), drain.report(now)));
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    terminal.line("Not drained within " + settings.timeout() + ":\n" + drain.report(now));
                    return LocalStackCommand.FAILED;
                }
            }
            sleepUntil(tickAt + Duration.ofSeconds(1).toNanos());
        }
        return 0;
    }

    private void printServerSettings() {
        terminal.line(Banner.serverSettings(settings, endpoints));
    }

    private void awaitStop() {
        while (!stopping) {
            sleepUntil(System.nanoTime() + Duration.ofMillis(200).toNanos());
        }
    }

    /**
     * Stops everything in order; runs once, from the main thread's end or from the shutdown hook,
     * whichever comes first. Each tier's instances stop together.
     */
    synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        stopping = true;
        long startedAt = System.nanoTime();
        terminal.line("Stopping: demo, consumers, relays, Kafka, Redis, Postgres ...");
        FiguresReader reader = figures;
        if (reader != null) {
            reader.close();
        }
        stopTogether(demos);
        stopTogether(consumers);
        stopTogether(relays);
        stopServer(kafka);
        stopServer(redis);
        stopServer(postgres);
        releaseLock();
        terminal.line("Stopped in %d s.".formatted(seconds(startedAt)));
    }

    private void stopTogether(List<RunningService> services) {
        CompletableFuture.allOf(services.stream()
                .map(service -> CompletableFuture.runAsync(() -> service.stop(SERVICE_STOP_TIMEOUT)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private void stopServer(LocalServer server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (RuntimeException e) {
            err.println("Could not stop " + server + " cleanly (" + e.getMessage() + "); killing it");
            server.kill();
        }
    }

    private void releaseLock() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }

    private List<RunningService> allServices() {
        List<RunningService> all = new ArrayList<>(relays);
        all.addAll(consumers);
        all.addAll(demos);
        return all;
    }

    private static void startTogether(List<Runnable> starts) {
        try {
            CompletableFuture.allOf(starts.stream().map(CompletableFuture::runAsync).toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private static long seconds(long startedAt) {
        return Duration.ofNanos(System.nanoTime() - startedAt).toSeconds();
    }

    private static void sleepUntil(long nanoTime) {
        long millis = Duration.ofNanos(nanoTime - System.nanoTime()).toMillis();
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
