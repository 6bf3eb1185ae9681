-- Login users of the local and demo stacks, each a member of one least-privilege group role. The
-- group roles get their rights from the migrations (the outbox set's V3, the read-model set's V2);
-- creating them here first lets the login users be members before the first migration runs.
-- Run by the owner with psql variables relay_password, writer_password and consumer_password:
-- deploy/postgres-init.sh does it in docker-compose, the local stack and the end-to-end tests do
-- the same with these very lines.
CREATE ROLE outbox_writer NOLOGIN;
CREATE ROLE outbox_relay NOLOGIN;
CREATE ROLE outbox_consumer NOLOGIN;
CREATE ROLE event_consumer_app LOGIN PASSWORD :'consumer_password' IN ROLE outbox_consumer;
CREATE ROLE relay_app LOGIN PASSWORD :'relay_password' IN ROLE outbox_relay;
CREATE ROLE orders_app LOGIN PASSWORD :'writer_password' IN ROLE outbox_writer;
