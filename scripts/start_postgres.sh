#!/bin/sh
# Start Debian's PostgreSQL for the tests and print the URL of a test database on stdout.
#   sh scripts/start_postgres.sh            -> postgresql://solieu:solieu@127.0.0.1:PORT/solieu_test
#   sh scripts/start_postgres.sh stop|start|restart   the same cluster (the fault tests use these)
# Installs the server (apt-get install postgresql) where missing, starts the installed
# major version's cluster (pg_ctlcluster, no systemd; creating the cluster if there is
# none), then creates the role and the database when they do not exist yet. Runs as
# root, or through sudo. Everything it says goes to stderr; only the URL goes to stdout.
# Settings: SOLIEU_PG_USER, SOLIEU_PG_PASSWORD, SOLIEU_PG_DB (solieu, solieu, solieu_test).
set -eu
USER_NAME=${SOLIEU_PG_USER:-solieu}
PASSWORD=${SOLIEU_PG_PASSWORD:-solieu}
DB=${SOLIEU_PG_DB:-solieu_test}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else "$@"; fi; }
say() { echo "start_postgres: $*" >&2; }

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "installing PostgreSQL (apt-get install postgresql)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
# The newest installed major version.
VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$VERSION" '$1 == v' | grep -q .; then
  say "creating cluster $VERSION main"
  as_root pg_createcluster "$VERSION" main >&2
fi
CLUSTER=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v {print $2; exit}')
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v {print $3; exit}')
case "${1:-url}" in
  stop|restart)
    as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" "$1" >&2
    [ "$1" = stop ] && exit 0 ;;
  start|url) ;;
  *) say "usage: start_postgres.sh [url|start|stop|restart]"; exit 2 ;;
esac
if ! pg_lsclusters -h | awk -v v="$VERSION" -v c="$CLUSTER" '$1 == v && $2 == c {print $4}' | grep -q online; then
  say "starting PostgreSQL $VERSION/$CLUSTER on port $PORT"
  as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" "$CLUSTER" start >&2
fi
psql_pg() { as_root su postgres -s /bin/sh -c "psql -p $PORT -X -q -v ON_ERROR_STOP=1 $*"; }
i=0
until psql_pg "-tAc 'SELECT 1'" >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -gt 60 ] && { say "PostgreSQL did not accept connections"; exit 1; }
  sleep 0.5
done
if [ "$(psql_pg "-tAc \"SELECT 1 FROM pg_roles WHERE rolname = '$USER_NAME'\"")" != 1 ]; then
  psql_pg "-c \"CREATE ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD' CREATEDB\"" >&2
fi
if [ "$(psql_pg "-tAc \"SELECT 1 FROM pg_database WHERE datname = '$DB'\"")" != 1 ]; then
  psql_pg "-c \"CREATE DATABASE $DB OWNER $USER_NAME\"" >&2
fi
echo "postgresql://$USER_NAME:$PASSWORD@127.0.0.1:$PORT/$DB"
