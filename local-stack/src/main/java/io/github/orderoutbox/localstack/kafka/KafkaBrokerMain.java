package io.github.orderoutbox.localstack.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.Kafka;
import kafka.tools.StorageTool;

/**
 * The main class of the broker JVM that {@link BinaryKafkaServer} starts: formats the log
 * directory on the first start (as {@code kafka-storage.sh format} would), then runs
 * {@code kafka.Kafka} as {@code kafka-server-start.sh} would.
 *
 * <p>Arguments: the path of {@code server.properties} and the cluster id to format with. The broker
 * halts when the process that started it (the watchdog of
 * {@link io.github.orderoutbox.localstack.process.ServerProcess}) is gone, a last guard behind the
 * watchdog itself and, on Linux, the parent-death signal.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] arguments) throws IOException {
        String config = arguments[0];
        String clusterId = arguments[1];
        haltWhenParentExits();
        if (!isFormatted(config)) {
            int exitCode = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId, "--config", config},
                    System.out);
            if (exitCode != 0) {
                System.exit(exitCode);
            }
        }
        Kafka.main(new String[] {config});
    }

    private static boolean isFormatted(String config) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(config))) {
            properties.load(in);
        }
        return Files.exists(Path.of(properties.getProperty("log.dirs"), "meta.properties"));
    }

    private static void haltWhenParentExits() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("the JVM that started this broker has exited; halting");
            Runtime.getRuntime().halt(1);
        }));
    }
}
