-- Bucket leases: how several relay instances share the outbox without breaking per-order order.
--
-- Every outbox row falls into one of 256 buckets by the hash of its aggregate_id. An instance
-- publishes only rows of buckets it holds a live lease on. Each time a bucket changes hands its
-- epoch grows; an instance marks rows published only while its (owner, epoch) still holds, so an
-- instance that was paused past its lease (GC, network) is fenced off.

CREATE TABLE outbox_relay_instance (
    instance_id  text        PRIMARY KEY,
    host         text        NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE outbox_relay_lease (
    bucket     smallint    PRIMARY KEY CHECK (bucket BETWEEN 0 AND 255),
    owner      text,
    epoch      bigint      NOT NULL DEFAULT 0,
    expires_at timestamptz
);

INSERT INTO outbox_relay_lease (bucket) SELECT b FROM generate_series(0, 255) AS b;

COMMENT ON TABLE outbox_relay_instance IS 'Relay instances alive recently; used to share buckets fairly between them.';
COMMENT ON COLUMN outbox_relay_instance.instance_id IS 'Random id of one relay process, new at every start.';
COMMENT ON COLUMN outbox_relay_instance.host IS 'Host name of the process, for operators.';
COMMENT ON COLUMN outbox_relay_instance.started_at IS 'When the process registered.';
COMMENT ON COLUMN outbox_relay_instance.heartbeat_at IS 'Last heartbeat; instances silent for longer than the lease time are ignored and removed.';

COMMENT ON TABLE outbox_relay_lease IS 'One row per bucket: which relay instance may publish the bucket''s rows, until when, under which epoch.';
COMMENT ON COLUMN outbox_relay_lease.bucket IS 'Bucket number, 0..255, matching outbox.bucket.';
COMMENT ON COLUMN outbox_relay_lease.owner IS 'instance_id of the holder; null when free.';
COMMENT ON COLUMN outbox_relay_lease.epoch IS 'Fencing token: grows by one every time the bucket is acquired.';
COMMENT ON COLUMN outbox_relay_lease.expires_at IS 'The lease is void after this time unless renewed by the holder''s heartbeat.';
