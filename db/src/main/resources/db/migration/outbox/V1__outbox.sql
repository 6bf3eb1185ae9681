-- The outbox: the one table an orders service writes, in the same transaction as its business rows.
--
-- Writers (any language) only ever run
--   INSERT INTO outbox (event_id, aggregate_id, event_type, event_version, payload[, headers])
--   VALUES (...)
-- inside their own transaction, after locking the order row, so that the ids of one order grow in
-- the order its transactions commit (see docs/outbox-contract.md).
--
-- Every other column belongs to the relay.

CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    aggregate_type  text        NOT NULL DEFAULT 'order',
    aggregate_id    text        NOT NULL,
    event_type      text        NOT NULL,
    event_version   int         NOT NULL DEFAULT 1,
    payload         jsonb       NOT NULL,
    headers         jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),

    -- Relay bookkeeping. A relay instance owns whole buckets, never single rows, so all the events
    -- of one order are handled by one instance at a time (per-order order with several relays).
    bucket          smallint    NOT NULL
                    GENERATED ALWAYS AS ((hashtextextended(aggregate_id, 0) & 255)::smallint) STORED,
    published_at    timestamptz,
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_error      text,
    parked_at       timestamptz,

    -- Not blank: at least one character that is not white space ('' and '  ' are both rejected).
    CONSTRAINT outbox_aggregate_id_not_blank CHECK (aggregate_id ~ '\S'),
    CONSTRAINT outbox_event_type_not_blank CHECK (event_type ~ '\S'),
    CONSTRAINT outbox_event_version_positive CHECK (event_version >= 1),
    CONSTRAINT outbox_headers_is_object CHECK (headers IS NULL OR jsonb_typeof(headers) = 'object')
);

-- The claim walks this index in id order and stops after one batch. It holds only rows still to
-- publish, so its size follows the backlog, not the history, and its predicate is exactly the
-- claim query's, so the planner takes it whatever the statistics say about the table.
CREATE INDEX outbox_unpublished ON outbox (id)
    WHERE published_at IS NULL AND parked_at IS NULL;

-- Orders that are held back: a row that failed (waiting for its retry) or was parked. Normally
-- empty; the claim probes it once per candidate row.
CREATE INDEX outbox_held_orders ON outbox (aggregate_id, id)
    WHERE published_at IS NULL AND (attempts > 0 OR parked_at IS NOT NULL);

-- Retention deletes published rows older than a cut-off. created_at <= published_at, so this
-- small block-range index narrows the search to the old end of the table, however many rows are
-- retained, at almost no cost to inserts.
CREATE INDEX outbox_created_at_brin ON outbox USING brin (created_at) WITH (autosummarize = on);

-- A queue table's statistics lie: empty, full, empty again. Analyse and vacuum it often.
ALTER TABLE outbox SET (
    autovacuum_vacuum_scale_factor = 0.0,
    autovacuum_vacuum_threshold = 5000,
    autovacuum_analyze_scale_factor = 0.0,
    autovacuum_analyze_threshold = 5000,
    autovacuum_vacuum_insert_scale_factor = 0.0,
    autovacuum_vacuum_insert_threshold = 10000
);

COMMENT ON TABLE outbox IS
    'Transactional outbox of order events. Writers insert (event_id, aggregate_id, event_type, event_version, payload[, headers]) in their business transaction; outbox-relay publishes each row to Kafka keyed by aggregate_id, in id order per aggregate.';
COMMENT ON COLUMN outbox.id IS
    'Position of the event. Grows in commit order per aggregate when writers lock the aggregate row first; published as header ce_outboxposition.';
COMMENT ON COLUMN outbox.event_id IS 'Unique id of the event (CloudEvents id, ce_id); consumers deduplicate by it.';
COMMENT ON COLUMN outbox.aggregate_type IS 'Kind of aggregate; selects the Kafka topic (order -> orders.events by default).';
COMMENT ON COLUMN outbox.aggregate_id IS 'The order id: Kafka record key and CloudEvents subject (ce_subject).';
COMMENT ON COLUMN outbox.event_type IS 'Event name in the past tense, e.g. OrderPlaced, OrderPaid (ce_type).';
COMMENT ON COLUMN outbox.event_version IS 'Schema version of the payload for its event_type (header ce_eventversion).';
COMMENT ON COLUMN outbox.payload IS 'The event body, published as the Kafka record value (application/json).';
COMMENT ON COLUMN outbox.headers IS 'Optional JSON object of extra string headers copied to the Kafka record, e.g. {"traceparent": "..."}.';
COMMENT ON COLUMN outbox.created_at IS 'Time the writer inserted the row (ce_time); commit-to-publish latency is measured from it.';
COMMENT ON COLUMN outbox.bucket IS 'Relay: hash of aggregate_id into 256 buckets; a relay instance leases whole buckets.';
COMMENT ON COLUMN outbox.published_at IS 'Relay: time Kafka acknowledged the event; null while unpublished. Rows published longer ago than the retention are deleted.';
COMMENT ON COLUMN outbox.attempts IS 'Relay: failed publish attempts so far.';
COMMENT ON COLUMN outbox.next_attempt_at IS 'Relay: earliest time of the next attempt after a failure (backoff with jitter); null means now.';
COMMENT ON COLUMN outbox.last_error IS 'Relay: the last publish error, for operators.';
COMMENT ON COLUMN outbox.parked_at IS 'Relay: set when the row, or an earlier row of its aggregate, exhausted its attempts; parked rows wait for an operator.';
