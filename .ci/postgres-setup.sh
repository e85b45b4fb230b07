#!/usr/bin/env bash
# Idempotent PostgreSQL for the OnlineRec storage tests on a fresh Debian/Ubuntu machine (run as root):
# installs the server if missing, starts the default cluster, creates role and database "onlinerec" if absent,
# and prints the connection string on stdout (everything else goes to stderr), e.g.
#     export ONLINEREC_TEST_POSTGRES="$(.ci/postgres-setup.sh)"
set -euo pipefail

ROLE="${ONLINEREC_PG_ROLE:-onlinerec}"
PASSWORD="${ONLINEREC_PG_PASSWORD:-onlinerec}"
DATABASE="${ONLINEREC_PG_DATABASE:-onlinerec}"
log() { echo "postgres-setup: $*" >&2; }

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
    log "installing postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
fi

# The first (usually only) cluster: "<version> <name> <port> <status> ...".
read -r VERSION CLUSTER PORT STATUS _ < <(pg_lsclusters -h | head -n 1)
if [ "$STATUS" != "online" ]; then
    log "starting cluster $VERSION/$CLUSTER"
    pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
fi
for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q -p $PORT" && break
    sleep 1
done

as_postgres() { su postgres -c "psql -p $PORT -v ON_ERROR_STOP=1 -qtA $*"; }
if [ "$(as_postgres "-c \"SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'\"")" != "1" ]; then
    log "creating role $ROLE"
    # SUPERUSER only so tests can create and drop their own schemas freely on a throwaway CI server.
    as_postgres "-c \"CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD' SUPERUSER\"" >&2
fi
if [ "$(as_postgres "-c \"SELECT 1 FROM pg_database WHERE datname = '$DATABASE'\"")" != "1" ]; then
    log "creating database $DATABASE"
    su postgres -c "createdb -p $PORT -O $ROLE $DATABASE" >&2
fi

# Loopback only: TLS would cost every new connection a handshake for nothing.
echo "Host=127.0.0.1;Port=$PORT;Username=$ROLE;Password=$PASSWORD;Database=$DATABASE;SSL Mode=Disable"
