package io.github.orderoutbox.localstack.services;

import io.github.orderoutbox.localstack.database.DatabaseUsers;

/** Where the three servers of the stack listen, as the services' connection settings name them. */
public record Endpoints(String host, int postgresPort, int kafkaPort, int redisPort) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + postgresPort + "/" + DatabaseUsers.DATABASE;
    }

    public String kafkaBootstrapServers() {
        return host + ":" + kafkaPort;
    }

    public String redisUrl() {
        return "redis://" + host + ":" + redisPort;
    }
}
