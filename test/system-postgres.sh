#!/usr/bin/env bash
# Runs `npm test` against the system's PostgreSQL (e.g. Debian's postgresql-15) instead of the embedded one,
# in a throwaway cluster. Skips with a message when no system PostgreSQL is installed.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  echo "no system PostgreSQL under /usr/lib/postgresql: skipping the DATABASE_URL run"
  exit 0
fi
dir=$(mktemp -d /tmp/afterglow-syspg-XXXXXX)
chmod 755 "$dir"
port=$(( 20000 + RANDOM % 20000 ))
run() { if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
run "$bin/initdb -D $dir/data -U postgres --auth=trust -E UTF8 --locale=C" >/dev/null
run "$bin/pg_ctl -D $dir/data -o '-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200' -l $dir/log -w start" >/dev/null
trap 'run "$bin/pg_ctl -D $dir/data -m fast stop" >/dev/null; rm -rf "$dir"' EXIT
echo "== tests against $($bin/postgres --version)"
DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres" npm test -- "$@"
