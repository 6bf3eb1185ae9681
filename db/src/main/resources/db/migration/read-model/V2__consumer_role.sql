-- The least-privilege group role of event-consumer. Like the roles of the outbox set's V3 it cannot
-- log in: a deployment creates its own login user and grants it the role, e.g.
--   CREATE ROLE consumer_app LOGIN PASSWORD '...' IN ROLE outbox_consumer;
-- It is created only when missing and commented only by the migration that creates it, and a
-- concurrent creation by the migration of another database of the cluster is not an error; the
-- outbox set's V3 (db/migration/outbox/V3__roles.sql) says why.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outbox_consumer') THEN
        BEGIN
            CREATE ROLE outbox_consumer NOLOGIN;
            COMMENT ON ROLE outbox_consumer IS
                'What event-consumer needs at run time: write the read model and its bookkeeping (schema read_model), read the catalogue (schema catalog). Nothing on the outbox.';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            RAISE NOTICE 'role outbox_consumer was created concurrently';
        END;
    END IF;
END
$$;

-- The consumer writes the read model and its own bookkeeping, row by row: no TRUNCATE, no DDL.
-- A replay that rebuilds the read model deletes rows; a faster wipe is an operator's job.
GRANT USAGE ON SCHEMA read_model TO outbox_consumer;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    read_model.order_summary,
    read_model.order_line,
    read_model.customer_summary,
    read_model.applied_event,
    read_model.blocked_order,
    read_model.parked_event
    TO outbox_consumer;

-- The catalogue is reference data: the consumer reads it and nothing else.
GRANT USAGE ON SCHEMA catalog TO outbox_consumer;
GRANT SELECT ON catalog.product TO outbox_consumer;

-- Nothing on the outbox or the relay's tables, and nothing granted here to outbox_writer or
-- outbox_relay: the read model is the consumer's alone.
