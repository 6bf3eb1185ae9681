package io.github.orderoutbox.consumer.deadletter;

/**
 * Headers a dead-letter record carries beside the original record's own headers, saying where it
 * came from and why it failed. A record that fails again (after a redrive) gets fresh values: the
 * previous failure's headers are removed, never piled up.
 */
public final class DeadLetterHeaders {

    /** Prefix of every header written here; headers with it are stripped before new ones are added. */
    public static final String PREFIX = "dlq_";

    public static final String ORIGINAL_TOPIC = "dlq_original_topic";
    public static final String ORIGINAL_PARTITION = "dlq_original_partition";
    public static final String ORIGINAL_OFFSET = "dlq_original_offset";
    /** The original record's timestamp, RFC 3339. */
    public static final String ORIGINAL_TIMESTAMP = "dlq_original_timestamp";
    public static final String CONSUMER_GROUP = "dlq_consumer_group";
    /** Fully qualified class name of the failure. */
    public static final String EXCEPTION_CLASS = "dlq_exception_class";
    public static final String EXCEPTION_MESSAGE = "dlq_exception_message";
    /** The pipe that failed, e.g. ValidateEventSchema, or ReadModelWrite for a refused write. */
    public static final String FAILED_PIPE = "dlq_failed_pipe";
    /** How many times the event was tried before it was dead-lettered. */
    public static final String ATTEMPTS = "dlq_attempts";
    /** The event's ce_id when it was a valid UUID; absent otherwise. */
    public static final String EVENT_ID = "dlq_event_id";
    /** When the record was dead-lettered, RFC 3339. */
    public static final String FAILED_AT = "dlq_failed_at";
    /** The kind of failure, a short code: out-of-position, event-id-reused, business-rule, invalid-event, write-refused, unexpected. */
    public static final String REASON = "dlq_reason";
    /** Of an out-of-position event or one whose id was reused: its outbox position (ce_outboxposition). */
    public static final String EVENT_POSITION = "dlq_event_position";
    /** Of an out-of-position event: the position of the newest event applied to its order when it arrived. */
    public static final String ORDER_POSITION = "dlq_order_position";
    /** Of an event whose id was reused: the outbox position at which an event with the same id was applied. */
    public static final String APPLIED_POSITION = "dlq_applied_position";

    private DeadLetterHeaders() {
    }
}
