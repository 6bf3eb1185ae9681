package io.github.orderoutbox.testsupport;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates uniquely named empty databases. The name carries a random part as well as a counter,
 * because several JVMs (parallel module builds) may share one server from the environment.
 */
final class FreshDatabase {

    /** Postgres cannot bind a database name as a parameter; {@link #nameFor} makes it a safe identifier. */
    static final String CREATE_DATABASE = """
            CREATE DATABASE "%s"
            """;

    /** Longer identifiers are silently truncated by Postgres, which could make two names collide. */
    private static final int MAX_IDENTIFIER_LENGTH = 63;

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private FreshDatabase() {
    }

    static String create(PostgresServer server, String prefix) {
        String name = nameFor(prefix);
        try (Connection connection = server.dataSource(server.adminDatabase()).getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(CREATE_DATABASE.formatted(name));
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + " on " + server, e);
        }
    }

    /** For example {@code "Relay-IT"} becomes {@code relay_it_3_5f0c1e}. */
    static String nameFor(String prefix) {
        String safe = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (safe.isEmpty() || !Character.isLetter(safe.charAt(0))) {
            safe = "db_" + safe;
        }
        String suffix = "_" + COUNTER.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 6);
        int room = MAX_IDENTIFIER_LENGTH - suffix.length();
        return (safe.length() > room ? safe.substring(0, room) : safe) + suffix;
    }
}
