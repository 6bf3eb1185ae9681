-- The event consumer's side: the product catalogue it reads, the read model it writes, and its own
-- bookkeeping (applied, parked and blocked events).
--
-- The bookkeeping lives in read_model, not beside the outbox, because it must commit in the same
-- transaction as the read-model change it records, and the read model may live in another database
-- than the outbox (a reporting database). For the same reason nothing here refers to the outbox.
--
-- Money is numeric(17,2): the event schemas allow exactly two decimals and at most 15 integer
-- digits, so every valid amount fits and none is rounded. Currencies are ISO 4217 codes.

CREATE SCHEMA catalog;
CREATE SCHEMA read_model;

COMMENT ON SCHEMA catalog IS
    'Reference data the event consumer reads to enrich events; maintained by whoever owns the catalogue, read-only for the consumer.';
COMMENT ON SCHEMA read_model IS
    'Query-side projection of the order events, written only by event-consumer, and the consumer''s bookkeeping (applied, parked and blocked events).';

-- ---------------------------------------------------------------------------------------------
-- Catalogue
-- ---------------------------------------------------------------------------------------------

CREATE TABLE catalog.product (
    sku        text        PRIMARY KEY,
    name       text        NOT NULL,
    category   text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT product_sku_not_blank CHECK (sku ~ '\S'),
    CONSTRAINT product_name_not_blank CHECK (name ~ '\S'),
    CONSTRAINT product_category_not_blank CHECK (category ~ '\S')
);

COMMENT ON TABLE catalog.product IS
    'Products by stock-keeping unit. EnrichOrderData adds name and category to each order line from here (cached); a sku missing here is recorded on the line as unknown, not an error.';
COMMENT ON COLUMN catalog.product.sku IS 'Stock-keeping unit, as in the sku of an OrderPlaced line.';
COMMENT ON COLUMN catalog.product.name IS 'Product name shown to people, copied to read_model.order_line.product_name.';
COMMENT ON COLUMN catalog.product.category IS 'Product category, copied to read_model.order_line.category.';
COMMENT ON COLUMN catalog.product.updated_at IS 'Time of the last change to the row, set by the catalogue''s writer (the default covers the insert only).';

-- ---------------------------------------------------------------------------------------------
-- Read model
-- ---------------------------------------------------------------------------------------------

-- Status is text with a CHECK rather than an enum type: JDBC binds it as a plain string (an enum
-- needs a cast in every statement, or stringtype=unspecified on the connection), and changing the
-- lifecycle is one constraint swapped in a migration, whereas an enum value can never be removed.
-- The few bytes per row an enum would save do not matter at this table's width.
CREATE TABLE read_model.order_summary (
    order_id      text          PRIMARY KEY,
    customer_id   text          NOT NULL,
    status        text          NOT NULL,
    currency      text          NOT NULL,
    total         numeric(17,2) NOT NULL,
    item_count    int           NOT NULL,
    placed_at     timestamptz   NOT NULL,
    paid_at       timestamptz,
    payment_id    text,
    amount_paid   numeric(17,2),
    shipped_at    timestamptz,
    delivered_at  timestamptz,
    cancelled_at  timestamptz,
    last_event_id uuid          NOT NULL,
    last_position bigint        NOT NULL,
    updated_at    timestamptz   NOT NULL DEFAULT now(),

    CONSTRAINT order_summary_order_id_not_blank CHECK (order_id ~ '\S'),
    CONSTRAINT order_summary_customer_id_not_blank CHECK (customer_id ~ '\S'),
    CONSTRAINT order_summary_status_known
        CHECK (status IN ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
    -- The timestamp of the current status is always known; earlier ones may be missing (an order
    -- can be cancelled or shipped without having been paid).
    CONSTRAINT order_summary_status_has_its_time CHECK (CASE status
        WHEN 'PAID' THEN paid_at IS NOT NULL
        WHEN 'SHIPPED' THEN shipped_at IS NOT NULL
        WHEN 'DELIVERED' THEN delivered_at IS NOT NULL
        WHEN 'CANCELLED' THEN cancelled_at IS NOT NULL
        ELSE true END),
    CONSTRAINT order_summary_currency_iso CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT order_summary_total_not_negative CHECK (total >= 0),
    CONSTRAINT order_summary_item_count_not_negative CHECK (item_count >= 0),
    CONSTRAINT order_summary_payment_complete CHECK (num_nulls(paid_at, payment_id, amount_paid) IN (0, 3)),
    CONSTRAINT order_summary_amount_paid_not_negative CHECK (amount_paid >= 0),
    CONSTRAINT order_summary_last_position_positive CHECK (last_position >= 1)
)
-- Every order row is updated about four times after its insert (paid, shipped, delivered or
-- cancelled) and no update touches an indexed column, so each can be a HOT update (no index
-- writes) if its page has room for the new version: leave a fifth of each page free.
WITH (fillfactor = 80);

-- A customer's orders, newest first.
CREATE INDEX order_summary_customer ON read_model.order_summary (customer_id, placed_at DESC);

COMMENT ON TABLE read_model.order_summary IS
    'One row per order, as of the newest event applied to it. Created by OrderPlaced; every later event updates it only if its position is greater than last_position (version guard), so duplicates and redeliveries change nothing.';
COMMENT ON COLUMN read_model.order_summary.order_id IS 'The order id: Kafka record key and order_id of every event.';
COMMENT ON COLUMN read_model.order_summary.customer_id IS 'The customer who placed the order (OrderPlaced.customer_id).';
COMMENT ON COLUMN read_model.order_summary.status IS 'Current status: PLACED, PAID, SHIPPED, DELIVERED or CANCELLED, set by the newest applied event.';
COMMENT ON COLUMN read_model.order_summary.currency IS 'ISO 4217 currency of every amount of the order (OrderPlaced.total.currency).';
COMMENT ON COLUMN read_model.order_summary.total IS 'Order total, the sum of the line totals (OrderPlaced.total.amount).';
COMMENT ON COLUMN read_model.order_summary.item_count IS 'Units over all lines: the sum of order_line.quantity.';
COMMENT ON COLUMN read_model.order_summary.placed_at IS 'When the order was placed (OrderPlaced.placed_at).';
COMMENT ON COLUMN read_model.order_summary.paid_at IS 'When the payment was confirmed (OrderPaid.paid_at); null until paid.';
COMMENT ON COLUMN read_model.order_summary.payment_id IS 'Payment provider''s id of the payment (OrderPaid.payment_id); null until paid.';
COMMENT ON COLUMN read_model.order_summary.amount_paid IS 'Amount paid (OrderPaid.amount), in the order''s currency; null until paid. customer_summary.total_paid is the sum of this column over a customer''s orders of one currency.';
COMMENT ON COLUMN read_model.order_summary.shipped_at IS 'When the carrier took the order (OrderShipped.shipped_at); null until shipped.';
COMMENT ON COLUMN read_model.order_summary.delivered_at IS 'When the order was delivered (OrderDelivered.delivered_at); null until delivered.';
COMMENT ON COLUMN read_model.order_summary.cancelled_at IS 'When the order was cancelled (OrderCancelled.cancelled_at); null unless cancelled.';
COMMENT ON COLUMN read_model.order_summary.last_event_id IS 'event_id (ce_id) of the newest event applied to the row.';
COMMENT ON COLUMN read_model.order_summary.last_position IS 'Outbox position (header ce_outboxposition) of the newest event applied to the row; an event whose position is not greater changes nothing (version guard).';
COMMENT ON COLUMN read_model.order_summary.updated_at IS 'Time of the consumer''s last change to the row.';

CREATE TABLE read_model.order_line (
    order_id      text          NOT NULL REFERENCES read_model.order_summary (order_id) ON DELETE CASCADE,
    line_id       text          NOT NULL,
    sku           text          NOT NULL,
    product_name  text,
    category      text,
    product_known boolean       NOT NULL,
    quantity      int           NOT NULL,
    unit_price    numeric(17,2) NOT NULL,
    line_total    numeric(17,2) NOT NULL,
    PRIMARY KEY (order_id, line_id),

    CONSTRAINT order_line_line_id_not_blank CHECK (line_id ~ '\S'),
    CONSTRAINT order_line_sku_not_blank CHECK (sku ~ '\S'),
    -- A known product has both name and category; an unknown sku has neither.
    CONSTRAINT order_line_product_known_has_details
        CHECK (CASE WHEN product_known THEN num_nulls(product_name, category) = 0
                    ELSE num_nulls(product_name, category) = 2 END),
    CONSTRAINT order_line_quantity_positive CHECK (quantity >= 1),
    CONSTRAINT order_line_unit_price_not_negative CHECK (unit_price >= 0),
    CONSTRAINT order_line_line_total_not_negative CHECK (line_total >= 0)
);

-- Lines whose sku was not in the catalogue when the order was applied: normally few, and what a
-- back-fill looks up once a product is added to the catalogue.
CREATE INDEX order_line_unknown_sku ON read_model.order_line (sku) WHERE NOT product_known;

COMMENT ON TABLE read_model.order_line IS
    'The lines of each order (OrderPlaced.lines), enriched with product name and category from catalog.product. Amounts are in the currency of the order_summary row.';
COMMENT ON COLUMN read_model.order_line.order_id IS 'The order the line belongs to; its lines go when its order_summary row is deleted.';
COMMENT ON COLUMN read_model.order_line.line_id IS 'Identifies the line within its order (OrderPlaced v2 line_id; "1", "2", ... for lines upcast from v1).';
COMMENT ON COLUMN read_model.order_line.sku IS 'Stock-keeping unit of the product, as in the event, known to the catalogue or not.';
COMMENT ON COLUMN read_model.order_line.product_name IS 'catalog.product.name when the line was applied; null when the sku was unknown.';
COMMENT ON COLUMN read_model.order_line.category IS 'catalog.product.category when the line was applied; null when the sku was unknown.';
COMMENT ON COLUMN read_model.order_line.product_known IS 'Whether the sku was in catalog.product when the line was applied; false lines have no name and no category.';
COMMENT ON COLUMN read_model.order_line.quantity IS 'Units ordered, at least 1.';
COMMENT ON COLUMN read_model.order_line.unit_price IS 'Price of one unit (unit_price.amount).';
COMMENT ON COLUMN read_model.order_line.line_total IS 'unit_price times quantity, as computed by the producer (line_total.amount).';

-- One row per customer and currency, not per customer: amounts in two currencies cannot be added
-- without an exchange rate, and choosing one (which rate, at which date) is a business decision the
-- read model must not hide in a sum. A customer's order counts over all currencies are the sums of
-- their rows; most customers have one row.
CREATE TABLE read_model.customer_summary (
    customer_id      text          NOT NULL,
    currency         text          NOT NULL,
    orders_placed    int           NOT NULL DEFAULT 0,
    orders_cancelled int           NOT NULL DEFAULT 0,
    total_paid       numeric(17,2) NOT NULL DEFAULT 0,
    updated_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, currency),

    CONSTRAINT customer_summary_customer_id_not_blank CHECK (customer_id ~ '\S'),
    CONSTRAINT customer_summary_currency_iso CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT customer_summary_orders_placed_not_negative CHECK (orders_placed >= 0),
    CONSTRAINT customer_summary_orders_cancelled_within_placed
        CHECK (orders_cancelled >= 0 AND orders_cancelled <= orders_placed),
    CONSTRAINT customer_summary_total_paid_not_negative CHECK (total_paid >= 0)
)
-- A customer's row is updated by every placed, paid and cancelled order of theirs; room on each
-- page keeps those updates HOT (the primary key is never changed).
WITH (fillfactor = 70);

COMMENT ON TABLE read_model.customer_summary IS
    'Per customer and currency: orders placed and cancelled and the sum paid. Counters have no version guard: exactly-once comes from read_model.applied_event, written in the same transaction.';
COMMENT ON COLUMN read_model.customer_summary.customer_id IS 'The customer (OrderPlaced.customer_id).';
COMMENT ON COLUMN read_model.customer_summary.currency IS 'ISO 4217 currency of the orders this row counts; a customer has one row per currency ordered in.';
COMMENT ON COLUMN read_model.customer_summary.orders_placed IS 'Orders placed in this currency (OrderPlaced events applied).';
COMMENT ON COLUMN read_model.customer_summary.orders_cancelled IS 'Of those, orders cancelled (OrderCancelled events applied); never more than orders_placed.';
COMMENT ON COLUMN read_model.customer_summary.total_paid IS 'Sum of the payments (OrderPaid.amount) of the customer''s orders in this currency: the sum of order_summary.amount_paid.';
COMMENT ON COLUMN read_model.customer_summary.updated_at IS 'Time of the consumer''s last change to the row.';

-- ---------------------------------------------------------------------------------------------
-- Consumer bookkeeping
-- ---------------------------------------------------------------------------------------------

-- The durable half of deduplication: Redis answers "seen?" fast, this table answers it for sure.
-- No foreign key to order_summary: rebuilding an order's rows must not erase the record that its
-- events were applied, unless a replay decides so explicitly.
CREATE TABLE read_model.applied_event (
    event_id     uuid        PRIMARY KEY,
    order_id     text        NOT NULL,
    event_type   text        NOT NULL,
    position     bigint      NOT NULL,
    topic        text        NOT NULL,
    partition    int         NOT NULL,
    kafka_offset bigint      NOT NULL,
    applied_at   timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT applied_event_order_id_not_blank CHECK (order_id ~ '\S'),
    CONSTRAINT applied_event_event_type_not_blank CHECK (event_type ~ '\S'),
    CONSTRAINT applied_event_position_positive CHECK (position >= 1),
    CONSTRAINT applied_event_partition_not_negative CHECK (partition >= 0),
    CONSTRAINT applied_event_kafka_offset_not_negative CHECK (kafka_offset >= 0)
);

-- An order's applied events in outbox order: what redrive and replay consult for one order, and
-- what an operator reads to see how an order came to be.
CREATE INDEX applied_event_order ON read_model.applied_event (order_id, position);

-- Pruning deletes records older than any redelivery can be. applied_at grows with insertion, so
-- this block-range index finds the old end of the table at almost no cost to inserts.
CREATE INDEX applied_event_applied_at_brin ON read_model.applied_event USING brin (applied_at)
    WITH (autosummarize = on);

COMMENT ON TABLE read_model.applied_event IS
    'Every event applied to the read model, inserted in the same transaction as its read-model change: deduplication stays correct when Redis is flushed or down. An event whose event_id is here is skipped.';
COMMENT ON COLUMN read_model.applied_event.event_id IS 'The event''s id (ce_id, outbox.event_id).';
COMMENT ON COLUMN read_model.applied_event.order_id IS 'The order the event belongs to (record key).';
COMMENT ON COLUMN read_model.applied_event.event_type IS 'Event type (ce_type), e.g. OrderPaid.';
COMMENT ON COLUMN read_model.applied_event.position IS 'Outbox position of the event (header ce_outboxposition).';
COMMENT ON COLUMN read_model.applied_event.topic IS 'Kafka topic the event was consumed from.';
COMMENT ON COLUMN read_model.applied_event.partition IS 'Kafka partition the event was consumed from.';
COMMENT ON COLUMN read_model.applied_event.kafka_offset IS 'Offset of the record in its partition.';
COMMENT ON COLUMN read_model.applied_event.applied_at IS 'When the consumer applied the event (its transaction''s start).';

-- When an event of an order is dead-lettered, the order is blocked: its later events are parked,
-- not applied past the gap, until an operator redrives it. The consumer checks each batch's order
-- ids against this table's primary key; it is normally empty.
CREATE TABLE read_model.blocked_order (
    order_id              text        PRIMARY KEY,
    first_event_id        uuid,
    reason                text        NOT NULL,
    blocked_at            timestamptz NOT NULL DEFAULT now(),
    dead_letter_topic     text        NOT NULL,
    dead_letter_partition int         NOT NULL,
    dead_letter_offset    bigint      NOT NULL,

    CONSTRAINT blocked_order_order_id_not_blank CHECK (order_id ~ '\S'),
    CONSTRAINT blocked_order_reason_not_blank CHECK (reason ~ '\S'),
    CONSTRAINT blocked_order_dead_letter_partition_not_negative CHECK (dead_letter_partition >= 0),
    CONSTRAINT blocked_order_dead_letter_offset_not_negative CHECK (dead_letter_offset >= 0)
);

COMMENT ON TABLE read_model.blocked_order IS
    'Orders with a dead-lettered event: their later events are parked in parked_event instead of applied, until redriven. Redrive removes the parked events and then the row.';
COMMENT ON COLUMN read_model.blocked_order.order_id IS 'The blocked order (record key).';
COMMENT ON COLUMN read_model.blocked_order.first_event_id IS 'ce_id of the dead-lettered event that blocked the order; null when the record carried no valid event id.';
COMMENT ON COLUMN read_model.blocked_order.reason IS 'Why that event was dead-lettered (exception class and message), for operators and redrive filters.';
COMMENT ON COLUMN read_model.blocked_order.blocked_at IS 'When the order was blocked.';
COMMENT ON COLUMN read_model.blocked_order.dead_letter_topic IS 'Topic of the dead-letter record, e.g. orders.events.dlq.';
COMMENT ON COLUMN read_model.blocked_order.dead_letter_partition IS 'Partition of the dead-letter record.';
COMMENT ON COLUMN read_model.blocked_order.dead_letter_offset IS 'Offset of the dead-letter record: where redrive starts for this order.';

-- A parked record is kept as received, bytes and all, so redrive sends exactly what was consumed:
-- it may never have been validated (parking happens on the key alone), so nothing but its Kafka
-- coordinates is sure to be known. Those coordinates are the key, which makes parking idempotent
-- when a crash makes the consumer read the record again.
CREATE TABLE read_model.parked_event (
    topic            text        NOT NULL,
    partition        int         NOT NULL,
    kafka_offset     bigint      NOT NULL,
    order_id         text        NOT NULL REFERENCES read_model.blocked_order (order_id),
    event_id         uuid,
    event_type       text,
    record_key       bytea,
    record_value     bytea,
    headers          jsonb       NOT NULL DEFAULT '[]',
    record_timestamp timestamptz,
    reason           text        NOT NULL,
    parked_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, kafka_offset),

    CONSTRAINT parked_event_partition_not_negative CHECK (partition >= 0),
    CONSTRAINT parked_event_kafka_offset_not_negative CHECK (kafka_offset >= 0),
    CONSTRAINT parked_event_reason_not_blank CHECK (reason ~ '\S'),
    CONSTRAINT parked_event_headers_is_array CHECK (jsonb_typeof(headers) = 'array')
);

-- An order's parked events in the order Kafka delivered them (one order keeps to one partition).
-- Also serves the foreign key's check when a blocked order is removed.
CREATE INDEX parked_event_order ON read_model.parked_event (order_id, topic, partition, kafka_offset);

COMMENT ON TABLE read_model.parked_event IS
    'Records of blocked orders, held back as received until their order is redriven; the foreign key keeps an order blocked while any of its records is parked.';
COMMENT ON COLUMN read_model.parked_event.topic IS 'Kafka topic the record was consumed from.';
COMMENT ON COLUMN read_model.parked_event.partition IS 'Kafka partition the record was consumed from.';
COMMENT ON COLUMN read_model.parked_event.kafka_offset IS 'Offset of the record in its partition; redrive follows it.';
COMMENT ON COLUMN read_model.parked_event.order_id IS 'The blocked order the record belongs to (record key as text).';
COMMENT ON COLUMN read_model.parked_event.event_id IS 'ce_id header as a uuid; null when missing or not a uuid.';
COMMENT ON COLUMN read_model.parked_event.event_type IS 'ce_type header, for redrive filters; null when missing.';
COMMENT ON COLUMN read_model.parked_event.record_key IS 'The record key exactly as received.';
COMMENT ON COLUMN read_model.parked_event.record_value IS 'The record value exactly as received; null for a record without a value.';
COMMENT ON COLUMN read_model.parked_event.headers IS 'The record headers in their order, repeats kept, as a JSON array of {"key": name, "value": base64 of the bytes or null}.';
COMMENT ON COLUMN read_model.parked_event.record_timestamp IS 'The record''s Kafka timestamp; null when it had none.';
COMMENT ON COLUMN read_model.parked_event.reason IS 'Why the record was parked, e.g. the order was blocked by event <id>.';
COMMENT ON COLUMN read_model.parked_event.parked_at IS 'When the consumer parked the record.';
