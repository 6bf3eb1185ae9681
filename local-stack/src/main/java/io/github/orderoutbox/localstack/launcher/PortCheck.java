package io.github.orderoutbox.localstack.launcher;

import io.github.orderoutbox.localstack.process.ServerFiles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks, before anything starts, that every port of the launch is free and used once, so a taken
 * port is reported with the option that moves it, not found later in a server's log.
 */
final class PortCheck {

    record NamedPort(int port, String option) {
    }

    private PortCheck() {
    }

    /** The first problem, e.g. {@code port 5432 (--postgres-port) is taken ...}; empty when all are free. */
    static Optional<String> firstProblem(List<NamedPort> ports) {
        Map<Integer, String> seen = new HashMap<>();
        for (NamedPort named : ports) {
            if (named.port() < 1 || named.port() > 65_535) {
                return Optional.of("port " + named.port() + " (" + named.option() + ") is not a TCP port");
            }
            String earlier = seen.putIfAbsent(named.port(), named.option());
            if (earlier != null) {
                return Optional.of("port " + named.port() + " is given to both " + earlier + " and " + named.option()
                        + "; choose another with " + named.option());
            }
        }
        for (NamedPort named : ports) {
            if (!ServerFiles.isFree(named.port())) {
                return Optional.of("port " + named.port() + " (" + named.option() + ") is taken by another process"
                        + " (another stack, or a server of your own?); stop it, or choose another port with "
                        + named.option() + " <port>");
            }
        }
        return Optional.empty();
    }
}
