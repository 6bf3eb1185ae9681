#!/usr/bin/env bash
# Login users of the demo stack. The group roles get their rights from the migrations (the outbox
# set's V3, the read-model set's V2);
# creating them here first lets the login users be members before the relay's first migration runs.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -v relay_password="$RELAY_DB_PASSWORD" -v writer_password="$WRITER_DB_PASSWORD" \
  -v consumer_password="$CONSUMER_DB_PASSWORD" <<'SQL'
CREATE ROLE outbox_writer NOLOGIN;
CREATE ROLE outbox_relay NOLOGIN;
CREATE ROLE outbox_consumer NOLOGIN;
CREATE ROLE event_consumer_app LOGIN PASSWORD :'consumer_password' IN ROLE outbox_consumer;
CREATE ROLE relay_app LOGIN PASSWORD :'relay_password' IN ROLE outbox_relay;
CREATE ROLE orders_app LOGIN PASSWORD :'writer_password' IN ROLE outbox_writer;
SQL
