package io.github.orderoutbox.localstack.database;

/**
 * The database and the users of the local stack, with the development passwords that
 * docker-compose.yml uses by default: the owner runs the migrations, each service logs in as its
 * own least-privilege user (deploy/postgres-roles.sql).
 */
public enum DatabaseUsers {

    /** Owner of database {@code orders}; the cluster's superuser, as {@code POSTGRES_USER} in docker-compose.yml. */
    OWNER("orders", "orders-dev-only"),
    /** The orders service (the demo): may only insert into the outbox, and its own tables. */
    WRITER("orders_app", "writer-dev-only"),
    RELAY("relay_app", "relay-dev-only"),
    CONSUMER("event_consumer_app", "consumer-dev-only");

    /** The one database of the stack: the outbox, the relay's leases, the read model and the demo's tables. */
    public static final String DATABASE = "orders";

    private final String user;
    private final String password;

    DatabaseUsers(String user, String password) {
        this.user = user;
        this.password = password;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }
}
