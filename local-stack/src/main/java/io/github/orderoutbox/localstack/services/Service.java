package io.github.orderoutbox.localstack.services;

/** The three services the stack runs from their packaged jars, each as its own OS process. */
public enum Service {

    RELAY("outbox-relay", "relay"),
    CONSUMER("event-consumer", "consumer"),
    /** Module demo-orders: a real orders service that writes orders and their events at a chosen rate. */
    DEMO("demo-orders", "demo");

    private final String module;
    private final String shortName;

    Service(String module, String shortName) {
        this.module = module;
        this.shortName = shortName;
    }

    /** The Maven module, and the name of its jar: {@code <module>/target/<module>-<version>.jar}. */
    public String module() {
        return module;
    }

    /** For instance names and log files, e.g. {@code relay-2}. */
    public String shortName() {
        return shortName;
    }
}
