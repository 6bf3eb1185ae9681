-- Least-privilege group roles. They cannot log in: a deployment creates its own login users and
-- grants them one of these, e.g.
--   CREATE ROLE orders_app LOGIN PASSWORD '...' IN ROLE outbox_writer;
--   CREATE ROLE relay_app  LOGIN PASSWORD '...' IN ROLE outbox_relay;
-- Roles belong to the cluster, not the database, so they are created only when missing, and
-- commented only by the migration that creates them: COMMENT ON ROLE needs rights on the role
-- (CREATEROLE, and from Postgres 16 its ADMIN OPTION) that the owner of a second database, or a
-- database owner whose DBA created the roles beforehand, does not have. Migrations of two databases
-- of one cluster do not share Flyway's lock, so both may find a role missing and race to create it:
-- the loser waits for the winner's commit and then gets duplicate_object or unique_violation
-- (pg_authid_rolname_index), which here means "someone else created it", so it goes on.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outbox_writer') THEN
        BEGIN
            CREATE ROLE outbox_writer NOLOGIN;
            COMMENT ON ROLE outbox_writer IS
                'May only insert events into the outbox (grant it to the orders service''s login user).';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            RAISE NOTICE 'role outbox_writer was created concurrently';
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outbox_relay') THEN
        BEGIN
            CREATE ROLE outbox_relay NOLOGIN;
            COMMENT ON ROLE outbox_relay IS
                'What outbox-relay needs at run time: read the outbox, mark, retry, park and delete rows, keep bucket leases.';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            RAISE NOTICE 'role outbox_relay was created concurrently';
        END;
    END IF;
END
$$;

-- Writers append events and nothing else: no reading other orders' events, no updates.
GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO outbox_writer;
GRANT INSERT (event_id, aggregate_type, aggregate_id, event_type, event_version, payload, headers, created_at)
    ON outbox TO outbox_writer;

-- The relay reads the outbox, keeps its own columns up to date, deletes what retention allows,
-- and keeps its leases. It can neither insert events nor change what a writer wrote.
GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO outbox_relay;
GRANT SELECT, DELETE ON outbox TO outbox_relay;
GRANT UPDATE (published_at, attempts, next_attempt_at, last_error, parked_at) ON outbox TO outbox_relay;
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox_relay_instance TO outbox_relay;
GRANT SELECT, UPDATE ON outbox_relay_lease TO outbox_relay;
