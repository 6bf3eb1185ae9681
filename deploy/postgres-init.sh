#!/usr/bin/env bash
# Login users of the demo stack (deploy/postgres-roles.sql, mounted beside this script).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -v relay_password="$RELAY_DB_PASSWORD" -v writer_password="$WRITER_DB_PASSWORD" \
  -v consumer_password="$CONSUMER_DB_PASSWORD" -f /docker-entrypoint-initdb.d/roles.sql.in
