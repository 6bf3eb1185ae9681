-- event_id is unique among the rows still to publish, no longer among every row ever kept.
--
-- Why: with a retention (relay.retention > 0) the relay marks each published row with an UPDATE
-- that cannot be HOT, so every kept row used to add an entry to the event_id index as well. That
-- index is keyed by random UUIDs: with millions of kept rows it outgrows the cache, and each mark
-- lands on a cold page of it. Holding only unpublished rows, the index stays as small as the
-- backlog, and a mark writes one new index entry (the primary key's, at its hot right edge).
--
-- What a writer sees is what the default retention of zero already gave: inserting an id that
-- waits to be published fails; an id whose row was published is accepted again, and consumers,
-- which deduplicate by event_id, drop the repeat. `ON CONFLICT DO NOTHING` keeps working.
--
-- On a large table this build holds off writers while it reads the unpublished rows once; the
-- index covers the backlog only, so that is normally quick.

CREATE UNIQUE INDEX outbox_event_id_unpublished ON outbox (event_id) WHERE published_at IS NULL;

ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_key;

COMMENT ON COLUMN outbox.event_id IS
    'Unique id of the event (CloudEvents id, ce_id), unique among rows not yet published; consumers deduplicate by it.';
