package io.github.orderoutbox.testsupport;

import static io.github.orderoutbox.testsupport.ServerAssumptions.assumeStoppable;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisServerIT {

    @Test
    void returnsWhatWasSet() {
        RedisServer redis = TestServers.redis();
        try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
            jedis.set("order:1", "placed");

            assertThat(jedis.get("order:1")).isEqualTo("placed");
        }
        assertThat(redis.url()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
    }

    @Test
    void answersAgainOnTheSamePortAfterBeingKilledOrStopped() {
        try (RedisServer redis = TestServers.startDedicatedRedis()) {
            assumeStoppable(redis);
            int port = redis.port();

            redis.kill();
            assertThat(redis.isAnswering()).isFalse();
            redis.start();
            redis.stop();
            assertThat(redis.isAnswering()).isFalse();
            redis.start();

            try (Jedis jedis = new Jedis(redis.host(), redis.port())) {
                jedis.set("order:2", "paid");
                assertThat(jedis.get("order:2")).isEqualTo("paid");
            }
            assertThat(redis.port()).isEqualTo(port);
        }
    }
}
