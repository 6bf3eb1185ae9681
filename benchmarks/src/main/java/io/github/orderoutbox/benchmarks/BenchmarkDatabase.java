package io.github.orderoutbox.benchmarks;

import io.github.orderoutbox.db.MigrationSet;
import io.github.orderoutbox.testsupport.KafkaServer;
import io.github.orderoutbox.testsupport.PostgresServer;
import io.github.orderoutbox.testsupport.ServiceSettings;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** A fresh database with both migration sets applied, and its topic, for one scenario. */
final class BenchmarkDatabase implements AutoCloseable {

    static final int PARTITIONS = 12;

    /**
     * Realistic order events of about 400 bytes: an OrderPlaced-like payload with two lines.
     * Rows of one order are inserted in id order, the orders interleaved.
     */
    static final String INSERT_BACKLOG = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            SELECT gen_random_uuid(), 'order-' || (g % ?), 'OrderPlaced', 1,
                   jsonb_build_object(
                     'order_id', 'order-' || (g % ?), 'customer_id', 'customer-' || (g % 977), 'currency', 'EUR',
                     'placed_at', '2026-11-28T08:15:30.123Z', 'total', '149.90',
                     'items', jsonb_build_array(
                        jsonb_build_object('sku', 'SKU-' || (g % 5000), 'quantity', 2, 'unit_price', '49.95', 'name', 'Espresso cups, set of two'),
                        jsonb_build_object('sku', 'SKU-' || (g % 3000), 'quantity', 1, 'unit_price', '50.00', 'name', 'Milk frother'))),
                   jsonb_build_object('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')
              FROM generate_series(1, ?) AS g
            """;

    /** One event of the steady-load writer, shaped like the backlog's. */
    static final String INSERT_ONE = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, 'OrderPaid', 1,
                    jsonb_build_object('order_id', ?::text, 'payment_id', 'pay-7f3e9a', 'amount', '149.90', 'currency', 'EUR',
                                       'paid_at', '2026-11-28T08:15:30.123Z', 'method', 'card', 'card_last4', '4242',
                                       'note', 'steady-load benchmark event, padded to a realistic size for an order event'),
                    jsonb_build_object('traceparent', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'))
            """;

    /** The catalogue the consumer enriches order lines from: {@code SKU-1} to {@code SKU-<n>}. */
    static final String INSERT_CATALOG = """
            INSERT INTO catalog.product (sku, name, category)
            SELECT 'SKU-' || g, 'Product ' || g, (ARRAY['kitchen', 'office', 'garden', 'toys', 'books'])[1 + g % 5]
              FROM generate_series(1, ?) AS g
            """;

    final PostgresServer postgres;
    final KafkaServer kafka;
    final String database;
    final String topic;
    final DataSource dataSource;
    final JdbcTemplate jdbc;

    private BenchmarkDatabase(PostgresServer postgres, KafkaServer kafka, String name, String givenTopic) {
        this.postgres = postgres;
        this.kafka = kafka;
        this.database = postgres.createDatabase("bench_" + name);
        this.topic = givenTopic != null ? givenTopic : "orders.events.bench-" + name + "-" + System.currentTimeMillis();
        this.dataSource = postgres.dataSource(database);
        this.jdbc = new JdbcTemplate(dataSource);
        // The outbox for the relay and the read model for the consumer in one database, as a
        // deployment without a reporting database has them, each set keeping its own history table.
        MigrationSet.OUTBOX.migrate(dataSource);
        MigrationSet.READ_MODEL.migrate(dataSource);
        jdbc.execute("CREATE TABLE shop_order (id text PRIMARY KEY, version int NOT NULL DEFAULT 0)");
        if (givenTopic == null) {
            kafka.createTopic(topic, PARTITIONS);
        }
    }

    /** A fresh database and a fresh topic of {@link #PARTITIONS} partitions. */
    static BenchmarkDatabase create(PostgresServer postgres, KafkaServer kafka, String name) {
        return new BenchmarkDatabase(postgres, kafka, name, null);
    }

    /** A fresh database beside a topic that exists already (the consumer's events, produced once per run). */
    static BenchmarkDatabase onTopic(PostgresServer postgres, KafkaServer kafka, String name, String topic) {
        return new BenchmarkDatabase(postgres, kafka, name, topic);
    }

    void insertCatalog(int products) {
        jdbc.update(INSERT_CATALOG, products);
    }

    void insertBacklog(int rows, int orders) {
        jdbc.update(INSERT_BACKLOG, orders, orders, rows);
    }

    /**
     * History: rows already published (within the retention), as a relay that has run for a while
     * keeps them. The claim must not slow down because of them. Inserted, marked and vacuumed
     * before the measured drain.
     */
    void insertPublishedHistory(int rows, int orders) {
        for (int done = 0; done < rows; done += 500_000) {
            jdbc.update(INSERT_BACKLOG, orders, orders, Math.min(500_000, rows - done));
            jdbc.update("UPDATE outbox SET published_at = now() WHERE published_at IS NULL");
        }
        jdbc.execute("VACUUM ANALYZE outbox");
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    /**
     * The Spring Boot settings of a service (the relay, the consumer) on this database and Kafka:
     * the migrations are applied already, and the log is plain text.
     */
    Map<String, String> serviceSettings() {
        Map<String, String> settings = ServiceSettings.connections(postgres, database, kafka);
        settings.put("logging.structured.format.console", "");
        return settings;
    }

    /**
     * Drops the database and checkpoints, so what a scenario left behind costs the next one
     * nothing: a drained outbox holds hundreds of thousands of dead rows, and autovacuum cleaning
     * them up could run in the middle of the following scenario and be counted to it (suspected,
     * not shown, for a steady row right after the relay's drains with Postgres at 674 instead of
     * about 270 ms per 1,000 events).
     * Whatever used the database (relays, Debezium, consumers) is closed before it.
     */
    @Override
    public void close() {
        JdbcTemplate admin = new JdbcTemplate(postgres.dataSource(postgres.adminDatabase()));
        admin.execute("DROP DATABASE IF EXISTS \"" + database + "\" WITH (FORCE)");
        try {
            admin.execute("CHECKPOINT");
        } catch (org.springframework.dao.DataAccessException e) {
            // A server given by the environment may not grant it; the checkpoint then comes in its own time.
        }
    }
}
