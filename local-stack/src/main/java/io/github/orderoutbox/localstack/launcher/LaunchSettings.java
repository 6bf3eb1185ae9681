package io.github.orderoutbox.localstack.launcher;

import io.github.orderoutbox.localstack.services.Service;
import io.github.orderoutbox.localstack.services.ServiceEnvironment.DemoSettings;
import io.github.orderoutbox.localstack.services.ServiceLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The options of one launch, resolved: absolute folders, every port with the option that sets it, the jars. */
record LaunchSettings(Path dataDirectory, Path projectDirectory, int postgresPort, int kafkaPort, int kafkaControllerPort,
        int redisPort, int relayPort, int consumerPort, int demoPort, int relays, int consumers, DemoSettings demo,
        boolean exitWhenDrained, Duration timeout, boolean serversOnly, boolean reset, Map<Service, Path> jars) {

    /** Instance n (from 1) of a service listens on the first port + 100 * (n - 1). */
    static final int PORT_STEP = 100;

    static LaunchSettings from(LocalStackCommand command) {
        Path project = command.projectDirectory.toAbsolutePath().normalize();
        Path data = (command.dataDirectory != null ? command.dataDirectory : project.resolve(".local-stack"))
                .toAbsolutePath().normalize();
        String version = version();
        Map<Service, Path> jars = new EnumMap<>(Service.class);
        for (Service service : Service.values()) {
            jars.put(service, ServiceLauncher.jarOf(service, project, version));
        }
        return new LaunchSettings(data, project, command.postgresPort, command.kafkaPort, command.kafkaControllerPort,
                command.redisPort, command.relayPort, command.consumerPort, command.demoPort, command.relays,
                command.consumers, new DemoSettings(command.rate, command.orders, command.poisonEvery),
                command.exitWhenDrained, command.timeout, command.serversOnly, command.reset, jars);
    }

    /** The project's version, which the service jars carry in their names: this jar's own. */
    static String version() {
        String version = LocalStackCommand.class.getPackage().getImplementationVersion();
        return version != null ? version : "0.1.0-SNAPSHOT";
    }

    Path logDirectory() {
        return dataDirectory.resolve("logs");
    }

    int relayPort(int instance) {
        return relayPort + PORT_STEP * (instance - 1);
    }

    int consumerPort(int instance) {
        return consumerPort + PORT_STEP * (instance - 1);
    }

    /** Every port this launch will listen on, each with the option that sets it. */
    List<PortCheck.NamedPort> ports() {
        List<PortCheck.NamedPort> ports = new ArrayList<>(List.of(
                new PortCheck.NamedPort(postgresPort, "--postgres-port"),
                new PortCheck.NamedPort(kafkaPort, "--kafka-port"),
                new PortCheck.NamedPort(kafkaControllerPort, "--kafka-controller-port"),
                new PortCheck.NamedPort(redisPort, "--redis-port")));
        if (!serversOnly) {
            for (int instance = 1; instance <= relays; instance++) {
                ports.add(new PortCheck.NamedPort(relayPort(instance), instance == 1 ? "--relay-port" : "--relay-port (relay " + instance + ")"));
            }
            for (int instance = 1; instance <= consumers; instance++) {
                ports.add(new PortCheck.NamedPort(consumerPort(instance), instance == 1 ? "--consumer-port" : "--consumer-port (consumer " + instance + ")"));
            }
            ports.add(new PortCheck.NamedPort(demoPort, "--demo-port"));
        }
        return ports;
    }
}
