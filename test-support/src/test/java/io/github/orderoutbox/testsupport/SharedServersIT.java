package io.github.orderoutbox.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SharedServersIT {

    @Test
    void sharesOneServerOfEachKindPerJvm() {
        assertThat(TestServers.postgres()).isSameAs(TestServers.postgres());
        assertThat(TestServers.redis()).isSameAs(TestServers.redis());
    }

    @Test
    void namesWhereEachServerComesFrom() {
        assertThat(TestServers.source())
                .matches("postgres=(env|docker|binaries) kafka=(env|docker|binaries) redis=(env|docker|binaries)");
        assertThat(TestServers.postgres().source()).isIn("env", "docker", "binaries");
    }
}
