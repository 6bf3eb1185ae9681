package io.github.orderoutbox.endtoend.chaos;

import io.github.orderoutbox.model.events.EventType;
import io.github.orderoutbox.model.events.Money;
import io.github.orderoutbox.model.events.OrderCancelled;
import io.github.orderoutbox.model.events.OrderDelivered;
import io.github.orderoutbox.model.events.OrderEvent;
import io.github.orderoutbox.model.events.OrderLine;
import io.github.orderoutbox.model.events.OrderPaid;
import io.github.orderoutbox.model.events.OrderPlaced;
import io.github.orderoutbox.model.events.OrderShipped;
import io.github.orderoutbox.model.json.EventJson;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * The orders service, in this JVM: threads on their own JDBC connections that change orders and
 * append their events to the outbox in the same transaction.
 *
 * <ul>
 *   <li><b>By the contract</b> ({@link #writers} threads): each change of an order locks its row in
 *       {@code shop.orders} first ({@code SELECT ... FOR UPDATE}), reads which step comes next and
 *       moves the row on, so two threads picking one order are serialised and a transaction retried
 *       after an unknown outcome (a killed or cut Postgres) cannot append a step twice.</li>
 *   <li><b>Against the contract</b> (one thread, now and then): after an order is placed, two
 *       transactions append OrderPaid and OrderShipped <em>without</em> the lock, the first to
 *       insert committing last, so that the later position may reach Kafka first. Their outbox rows
 *       carry the header {@code chaos=race}.</li>
 *   <li><b>Poison</b> (the same thread): an OrderPaid without {@code payment_id}, or an OrderPlaced
 *       without lines, each the last event of its order, header {@code chaos=poison}.</li>
 * </ul>
 * The checker needs nothing from here: it reads the outbox rows, kept by the relays' retention.
 */
final class OrderWriters {

    static final String RACE = "race";
    static final String POISON = "poison";

    private static final String CREATE_SHOP = """
            CREATE SCHEMA shop;
            CREATE TABLE shop.orders (
                order_id    text PRIMARY KEY,
                customer_id text NOT NULL,
                currency    text NOT NULL,
                plan        text NOT NULL,
                step        int  NOT NULL,
                total       numeric(17,2) NOT NULL
            );
            """;
    private static final String INSERT_ORDER = """
            INSERT INTO shop.orders (order_id, customer_id, currency, plan, step, total)
            VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING
            """;
    private static final String LOCK_ORDER = """
            SELECT customer_id, currency, plan, step, total FROM shop.orders WHERE order_id = ? FOR UPDATE
            """;
    private static final String NEXT_STEP = "UPDATE shop.orders SET step = step + 1 WHERE order_id = ?";
    /** The contract's INSERT, with the optional headers column. */
    private static final String APPEND = """
            INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload, headers)
            VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb)
            """;

    /**
     * Plans of contract orders, one letter per event: L placed, A paid, S shipped, D delivered,
     * C cancelled. Every plan is allowed by the read model's rules in this order.
     */
    private static final String[] PLANS = {"LASD", "LASD", "LAC", "LC", "LSD", "LA", "LAS"};
    private static final int ACTIVE_ORDERS = 40;

    private final ChaosStack stack;
    private final ChaosSettings settings;
    private final EventJson json = new EventJson();
    private final List<String> active = new CopyOnWriteArrayList<>();
    private final AtomicInteger orderSequence = new AtomicInteger();
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failedTransactions = new AtomicLong();
    private final AtomicLong races = new AtomicLong();
    private final AtomicLong poisons = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    OrderWriters(ChaosStack stack, ChaosSettings settings) {
        this.stack = stack;
        this.settings = settings;
    }

    static void createShopTables(ChaosStack stack) {
        stack.execute(CREATE_SHOP);
    }

    void start() {
        for (int i = 0; i < settings.writers(); i++) {
            Random random = new Random(settings.seed() * 31 + i);
            threads.add(started("writer-" + i, () -> writeByContract(random)));
        }
        Random random = new Random(settings.seed() * 31 + 1_000);
        threads.add(started("writer-breaking", () -> writeAgainstContract(random)));
    }

    /** Stops the writers after their transaction in flight. */
    void stop() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(90).toMillis());
        }
    }

    long committedTransactions() {
        return committed.get();
    }

    long failedTransactions() {
        return failedTransactions.get();
    }

    long races() {
        return races.get();
    }

    long poisons() {
        return poisons.get();
    }

    private void writeByContract(Random random) {
        DataSource dataSource = stack.dataSource();
        Connection connection = null;
        long failuresInARow = 0;
        String retry = null; // an order whose step failed with an unknown outcome: its lock decides
        while (!stopping) {
            try {
                if (connection == null) {
                    connection = dataSource.getConnection();
                    connection.setAutoCommit(false);
                }
                pace();
                if (retry != null) {
                    advance(connection, retry);
                    retry = null;
                } else if (active.size() < ACTIVE_ORDERS || random.nextInt(6) == 0) {
                    place(connection, random, PLANS[random.nextInt(PLANS.length)], null);
                } else {
                    Object[] candidates = active.toArray(); // a snapshot: other writers finish orders meanwhile
                    if (candidates.length == 0) {
                        continue;
                    }
                    String orderId = (String) candidates[random.nextInt(candidates.length)];
                    retry = orderId;
                    advance(connection, orderId);
                    retry = null;
                }
                failuresInARow = 0;
            } catch (SQLException | RuntimeException e) {
                failedTransactions.incrementAndGet();
                closeQuietly(connection);
                connection = null;
                sleep(Math.min(2_000, 100 * (1L << Math.min(5, ++failuresInARow))));
            }
        }
        closeQuietly(connection);
    }

    /** Creates an order and its OrderPlaced in one transaction; the order row's insert makes a retry harmless. */
    private String place(Connection connection, Random random, String plan, String marker) throws SQLException {
        String orderId = "o-" + Long.toHexString(settings.seed() & 0xffffff) + "-" + orderSequence.incrementAndGet();
        int customer = random.nextInt(60);
        String currency = customer % 3 == 0 ? "USD" : "EUR";
        List<OrderLine> lines = new ArrayList<>();
        int lineCount = 1 + random.nextInt(3);
        for (int i = 1; i <= lineCount; i++) {
            String sku = random.nextInt(5) == 0 ? "SKU-UNKNOWN" : "SKU-" + (1 + random.nextInt(3));
            lines.add(OrderLine.of(Integer.toString(i), sku, 1 + random.nextInt(4),
                    Money.of(random.nextInt(100) + "." + (10 + random.nextInt(90)), currency)));
        }
        OrderPlaced placed = OrderPlaced.of(orderId, "c" + customer, lines, Instant.now());
        try {
            boolean created;
            try (PreparedStatement insert = connection.prepareStatement(INSERT_ORDER)) {
                insert.setString(1, orderId);
                insert.setString(2, placed.customerId());
                insert.setString(3, currency);
                insert.setString(4, plan);
                insert.setBigDecimal(5, placed.total().amount());
                created = insert.executeUpdate() == 1;
            }
            if (created) {
                append(connection, placed, json.writeString(placed), marker);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        }
        committed.incrementAndGet();
        if (plan.length() > 1 && marker == null) {
            active.add(orderId);
        }
        return orderId;
    }

    /** One step of an order under its row lock: the step read under the lock is the one appended. */
    private void advance(Connection connection, String orderId) throws SQLException {
        try {
            String customer;
            String currency;
            String plan;
            int step;
            BigDecimal total;
            try (PreparedStatement lock = connection.prepareStatement(LOCK_ORDER)) {
                lock.setString(1, orderId);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        connection.rollback();
                        active.remove(orderId);
                        return;
                    }
                    customer = row.getString(1);
                    currency = row.getString(2);
                    plan = row.getString(3);
                    step = row.getInt(4);
                    total = row.getBigDecimal(5);
                }
            }
            if (step >= plan.length()) {
                connection.rollback();
                active.remove(orderId);
                return;
            }
            OrderEvent event = event(plan.charAt(step), orderId, total, currency);
            append(connection, event, json.writeString(event), null);
            try (PreparedStatement next = connection.prepareStatement(NEXT_STEP)) {
                next.setString(1, orderId);
                next.executeUpdate();
            }
            connection.commit();
            committed.incrementAndGet();
            if (step + 1 >= plan.length()) {
                active.remove(orderId);
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        }
    }

    private static OrderEvent event(char step, String orderId, BigDecimal total, String currency) {
        Instant now = Instant.now();
        return switch (step) {
            case 'A' -> new OrderPaid(orderId, "pay-" + orderId, total, currency, now);
            case 'S' -> new OrderShipped(orderId, "DHL", "TRACK-" + orderId, now);
            case 'D' -> new OrderDelivered(orderId, now);
            case 'C' -> new OrderCancelled(orderId, "customer request", now);
            default -> throw new IllegalArgumentException("no event for step " + step);
        };
    }

    /**
     * Every two seconds or so: a race (two unlocked transactions of one order, the first to
     * insert committing last) or a poisoned event, alternately. A transaction that fails here is
     * not retried: whatever committed is in the outbox, which is all the checker reads.
     */
    private void writeAgainstContract(Random random) {
        DataSource dataSource = stack.dataSource();
        int round = 0;
        while (!stopping) {
            sleep(1_000 + random.nextInt(2_000));
            if (stopping) {
                break;
            }
            try (Connection first = dataSource.getConnection(); Connection second = dataSource.getConnection()) {
                first.setAutoCommit(false);
                second.setAutoCommit(false);
                switch (round++ % 3) {
                    case 0, 1 -> race(first, second, random);
                    default -> poison(first, random);
                }
            } catch (SQLException | RuntimeException e) {
                failedTransactions.incrementAndGet();
            }
        }
    }

    private void race(Connection first, Connection second, Random random) throws SQLException {
        String orderId = place(first, random, "L", null);
        sleep(50 + random.nextInt(200)); // let the relay publish the OrderPlaced first, most times
        BigDecimal total;
        String currency;
        try (PreparedStatement read = first.prepareStatement("SELECT total, currency FROM shop.orders WHERE order_id = ?")) {
            read.setString(1, orderId);
            try (ResultSet row = read.executeQuery()) {
                row.next();
                total = row.getBigDecimal(1);
                currency = row.getString(2);
            }
        }
        first.commit();
        OrderEvent paid = event('A', orderId, total, currency);
        OrderEvent shipped = event('S', orderId, total, currency);
        append(first, paid, json.writeString(paid), RACE);      // the lower position
        append(second, shipped, json.writeString(shipped), RACE); // the higher position
        second.commit();
        sleep(random.nextInt(400)); // the higher position is visible alone this long
        first.commit();
        races.incrementAndGet();
    }

    private void poison(Connection connection, Random random) throws SQLException {
        if (random.nextBoolean()) {
            String orderId = place(connection, random, "L", null);
            OrderEvent paid = new OrderPaid(orderId, "pay-" + orderId, new BigDecimal("1.00"), "EUR", Instant.now());
            ObjectNode payload = (ObjectNode) json.mapper().valueToTree(paid);
            payload.remove("payment_id");
            lockAndAppend(connection, orderId, paid, payload.toString());
        } else {
            String orderId = "o-poison-" + orderSequence.incrementAndGet();
            OrderPlaced placed = OrderPlaced.of(orderId, "c-poison", List.of(OrderLine.of("1", "SKU-1", 1,
                    Money.of("1.00", "EUR"))), Instant.now());
            ObjectNode payload = (ObjectNode) json.mapper().valueToTree(placed);
            payload.putArray("lines");
            append(connection, placed, payload.toString(), POISON);
            connection.commit();
        }
        poisons.incrementAndGet();
    }

    private void lockAndAppend(Connection connection, String orderId, OrderEvent event, String payload) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(LOCK_ORDER)) {
            lock.setString(1, orderId);
            lock.executeQuery().close();
        }
        append(connection, event, payload, POISON);
        try (PreparedStatement next = connection.prepareStatement(NEXT_STEP)) {
            next.setString(1, orderId);
            next.executeUpdate();
        }
        connection.commit();
    }

    private static void append(Connection connection, OrderEvent event, String payload, String marker) throws SQLException {
        EventType type = EventType.of(event);
        try (PreparedStatement insert = connection.prepareStatement(APPEND)) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, event.orderId());
            insert.setString(3, type.typeName());
            insert.setInt(4, type.newestVersion());
            insert.setString(5, payload);
            insert.setString(6, marker == null ? null : "{\"chaos\": \"" + marker + "\"}");
            insert.executeUpdate();
        }
    }

    /** Keeps all contract writers together at the target rate; a writer held up by a fault does not burst after it. */
    private void pace() {
        long interval = 1_000_000_000L / Math.max(1, settings.eventsPerSecond());
        long now = System.nanoTime();
        long slot = nextSlot.getAndUpdate(next -> Math.max(next, now - 1_000_000_000L) + interval);
        long wait = slot - now;
        if (wait > 0) {
            sleep(wait / 1_000_000);
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is gone; the transaction with it
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already gone
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread started(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.start();
        return thread;
    }
}
