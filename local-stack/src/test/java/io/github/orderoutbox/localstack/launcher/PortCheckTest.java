package io.github.orderoutbox.localstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.orderoutbox.localstack.process.ServerFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortCheckTest {

    @Test
    void namesTheOptionOfATakenPort() throws Exception {
        int free = ServerFiles.freePort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName(ServerFiles.LOOPBACK), 0));
            int port = taken.getLocalPort();

            assertThat(PortCheck.firstProblem(List.of(new PortCheck.NamedPort(free, "--postgres-port"),
                    new PortCheck.NamedPort(port, "--kafka-port"))))
                    .hasValueSatisfying(problem -> assertThat(problem).contains("port " + port + " (--kafka-port) is taken")
                            .contains("--kafka-port <port>"));
        }
    }

    @Test
    void refusesOnePortGivenToTwoOptions() {
        int port = ServerFiles.freePort();

        assertThat(PortCheck.firstProblem(List.of(new PortCheck.NamedPort(port, "--relay-port"),
                new PortCheck.NamedPort(port, "--demo-port"))))
                .hasValueSatisfying(problem -> assertThat(problem).contains("both --relay-port and --demo-port"));
    }

    @Test
    void findsNothingWrongWithFreePorts() {
        assertThat(PortCheck.firstProblem(List.of(new PortCheck.NamedPort(ServerFiles.freePort(), "--redis-port")))).isEmpty();
    }
}
