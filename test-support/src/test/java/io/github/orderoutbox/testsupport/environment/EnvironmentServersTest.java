package io.github.orderoutbox.testsupport.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnvironmentServersTest {

    @Test
    void readsHostPortAndAdminDatabaseFromTheJdbcUrl() {
        EnvironmentPostgresServer postgres = EnvironmentPostgresServer.fromJdbcUrl(
                "jdbc:postgresql://db.test:6543/admin?sslmode=disable", "owner", "secret");

        assertThat(postgres.host()).isEqualTo("db.test");
        assertThat(postgres.port()).isEqualTo(6543);
        assertThat(postgres.adminDatabase()).isEqualTo("admin");
        assertThat(postgres.adminUser()).isEqualTo("owner");
        assertThat(postgres.jdbcUrl("orders_1")).isEqualTo("jdbc:postgresql://db.test:6543/orders_1?sslmode=disable");
    }

    @Test
    void defaultsToPort5432AndThePostgresDatabase() {
        EnvironmentPostgresServer postgres = EnvironmentPostgresServer.fromJdbcUrl(
                "jdbc:postgresql://db.test", "postgres", "postgres");

        assertThat(postgres.port()).isEqualTo(5432);
        assertThat(postgres.adminDatabase()).isEqualTo("postgres");
        assertThat(postgres.jdbcUrl("x")).isEqualTo("jdbc:postgresql://db.test:5432/x");
    }

    @Test
    void rejectsAUrlThatIsNotPostgres() {
        assertThatThrownBy(() -> EnvironmentPostgresServer.fromJdbcUrl("jdbc:mysql://db.test/x", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsHostAndPortFromTheRedisUrl() {
        EnvironmentRedisServer redis = EnvironmentRedisServer.fromUrl("redis://cache.test:7000");

        assertThat(redis.host()).isEqualTo("cache.test");
        assertThat(redis.port()).isEqualTo(7000);
        assertThat(redis.url()).isEqualTo("redis://cache.test:7000");
    }

    @Test
    void refusesToStopKillOrStartAGivenServer() {
        EnvironmentKafkaServer kafka = new EnvironmentKafkaServer("broker.test:9092");

        assertThat(kafka.canBeStopped()).isFalse();
        assertThat(kafka.source()).isEqualTo("env");
        assertThatThrownBy(kafka::stop).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("environment");
        assertThatThrownBy(kafka::kill).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(kafka::start).isInstanceOf(UnsupportedOperationException.class);
        kafka.close();
    }
}
