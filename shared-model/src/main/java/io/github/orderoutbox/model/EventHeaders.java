package io.github.orderoutbox.model;

/**
 * Kafka record header names of an order event, following the CloudEvents Kafka protocol binding in
 * binary mode: the record value is the event's JSON payload and each attribute is a {@code ce_}
 * header. The record key is the order id.
 */
public final class EventHeaders {

    /** CloudEvents spec version, always {@value #SPEC_VERSION_1_0}. */
    public static final String SPEC_VERSION = "ce_specversion";
    /** Unique event id (the outbox {@code event_id}); consumers deduplicate by it. */
    public static final String ID = "ce_id";
    /** Event type, e.g. {@code OrderPlaced}. */
    public static final String TYPE = "ce_type";
    /** URI of the system that emitted the event, e.g. {@code /orders-service}. */
    public static final String SOURCE = "ce_source";
    /** The aggregate (order) id, equal to the record key. */
    public static final String SUBJECT = "ce_subject";
    /** RFC 3339 time the event was written to the outbox. */
    public static final String TIME = "ce_time";
    /** Content type of the value; in the binary binding it is the plain {@code content-type} header. */
    public static final String CONTENT_TYPE = "content-type";
    /** Extension attribute: schema version of the payload for its type. */
    public static final String EVENT_VERSION = "ce_eventversion";
    /** Extension attribute: the outbox position ({@code outbox.id}), growing in commit order per order. */
    public static final String POSITION = "ce_outboxposition";
    /** Extension attribute: the aggregate type, e.g. {@code order}. */
    public static final String AGGREGATE_TYPE = "ce_aggregatetype";

    public static final String SPEC_VERSION_1_0 = "1.0";
    public static final String APPLICATION_JSON = "application/json";

    private EventHeaders() {
    }
}
