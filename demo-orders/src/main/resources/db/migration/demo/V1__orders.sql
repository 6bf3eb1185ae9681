-- The demo orders service's own business tables: what an orders service keeps about an order, and
-- from which it writes the order's events to the outbox in the same transaction. Run as the owner
-- of the database (SPRING_FLYWAY_USER); the service itself runs as the login named by the
-- placeholder writer (spring.datasource.username, orders_app by default), which gets exactly the
-- rights the service needs here. Its right to append events comes from outbox_writer, not from here.
--
-- Money is numeric(17,2), as in the event schemas: two decimals, at most 15 integer digits.

CREATE TABLE demo.customer_order (
    order_id         text          PRIMARY KEY,
    customer_id      text          NOT NULL,
    status           text          NOT NULL,
    currency         text          NOT NULL,
    total            numeric(17,2) NOT NULL,
    placed_at        timestamptz   NOT NULL,
    payment_id       text,
    amount_paid      numeric(17,2),
    payment_currency text,
    paid_at          timestamptz,
    carrier          text,
    tracking_number  text,
    shipped_at       timestamptz,
    delivered_at     timestamptz,
    cancel_reason    text,
    cancelled_at     timestamptz,
    updated_at       timestamptz   NOT NULL DEFAULT now(),

    CONSTRAINT customer_order_status_known
        CHECK (status IN ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
    CONSTRAINT customer_order_currency_iso CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT customer_order_total_not_negative CHECK (total >= 0),
    CONSTRAINT customer_order_payment_complete
        CHECK (num_nulls(payment_id, amount_paid, payment_currency, paid_at) IN (0, 4)),
    CONSTRAINT customer_order_shipment_complete CHECK (num_nulls(carrier, tracking_number, shipped_at) IN (0, 3)),
    CONSTRAINT customer_order_cancellation_complete CHECK (num_nulls(cancel_reason, cancelled_at) IN (0, 2))
)
-- Each order is updated up to three times after its insert (paid, shipped, delivered or
-- cancelled) on no indexed column: room on the page keeps those updates HOT.
WITH (fillfactor = 80);

COMMENT ON TABLE demo.customer_order IS
    'Orders of the demo orders service. Every change locks the row (SELECT ... FOR UPDATE) and appends its event to the outbox in the same transaction.';
COMMENT ON COLUMN demo.customer_order.status IS 'PLACED, PAID, SHIPPED, DELIVERED or CANCELLED; DELIVERED and CANCELLED are final.';
COMMENT ON COLUMN demo.customer_order.currency IS 'ISO 4217 currency of the order''s prices and total.';
COMMENT ON COLUMN demo.customer_order.payment_currency IS
    'Currency the payment was made in. Not required to equal currency, so that the demo can write its poison event (a payment in another currency, which the event consumer refuses); a real service would refuse it here.';

CREATE TABLE demo.order_line (
    order_id   text          NOT NULL REFERENCES demo.customer_order (order_id),
    line_id    text          NOT NULL,
    sku        text          NOT NULL,
    quantity   int           NOT NULL,
    unit_price numeric(17,2) NOT NULL,
    line_total numeric(17,2) NOT NULL,
    PRIMARY KEY (order_id, line_id),

    CONSTRAINT order_line_quantity_positive CHECK (quantity >= 1),
    CONSTRAINT order_line_total_is_price_times_quantity CHECK (line_total = unit_price * quantity)
);

COMMENT ON TABLE demo.order_line IS 'The lines of each demo order, written with the order; the OrderPlaced event carries them.';

-- Exactly what the service does: insert orders and lines, read and update orders. No DELETE.
GRANT USAGE ON SCHEMA demo TO "${writer}";
GRANT SELECT, INSERT, UPDATE ON demo.customer_order TO "${writer}";
GRANT SELECT, INSERT ON demo.order_line TO "${writer}";
