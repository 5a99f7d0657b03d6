#!/bin/sh
# First start: a cluster whose superuser `postgres` has POSTGRES_PASSWORD, reachable with it
# over TCP, and an empty database POSTGRES_DB (mingle). Then PostgreSQL in the foreground.
set -eu
bin=/usr/lib/postgresql/15/bin
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    password=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$password"
    "$bin/initdb" -D "$PGDATA" -U postgres --pwfile="$password" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$password"
    echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
    echo "CREATE DATABASE ${POSTGRES_DB:-mingle}" | "$bin/postgres" --single -D "$PGDATA" postgres >/dev/null
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql
