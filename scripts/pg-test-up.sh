#!/usr/bin/env bash
# pg-test-up.sh - start (or reuse) a private PostgreSQL server for the tests, and print its URL.
#
#   scripts/pg-test-up.sh [--stop]
#
# Debian's postgresql package (15, scripts/system-deps.sh) without its system cluster: initdb into
# PG_TEST_DIR (default /tmp/bpfdeck-pg), listening on 127.0.0.1:PG_TEST_PORT (default 55432) and a
# socket in that directory only, run as the unprivileged user `postgres` (the package creates it;
# PostgreSQL refuses to run as root). Trust authentication on loopback only: a test database.
# Prints `postgresql://bpfdeck@127.0.0.1:<port>/bpfdeck_test` on stdout; logs go to stderr.
set -euo pipefail
dir=${PG_TEST_DIR:-/tmp/bpfdeck-pg}
port=${PG_TEST_PORT:-55432}
user=${PG_TEST_OS_USER:-postgres}
say() { printf 'pg-test: %s\n' "$*" >&2; }

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { say "ERROR: no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)"; exit 1; }
id "$user" >/dev/null 2>&1 || { say "ERROR: no OS user '$user' to run PostgreSQL as (the postgresql package creates it)"; exit 1; }
# The user postgres may not be able to read the working directory (a clone under /root): pg_ctl and
# initdb fail on an unreadable cwd, so everything below runs from / with absolute paths.
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
cd /
as_user() { if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi; }

if [ "${1:-}" = --stop ]; then
  [ -f "$dir/data/postmaster.pid" ] && as_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  exit 0
fi

if [ ! -f "$dir/data/PG_VERSION" ]; then
  say "initdb in $dir/data"
  mkdir -p "$dir" && chown "$user" "$dir" && chmod 700 "$dir"
  as_user "$bindir/initdb" -D "$dir/data" -U postgres -A trust --auth-local=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_user "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  say "starting PostgreSQL $("$bindir/postgres" -V | awk '{print $3}') on 127.0.0.1:$port"
  # fsync off: test data, and 2 shared cores (it is durable enough for a crash of the tests, not of the machine)
  as_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o \
    "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >&2 ||
    { tail -20 "$dir/server.log" >&2; exit 1; }
fi
psql=("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
"${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='bpfdeck'" | grep -q 1 || "${psql[@]}" -c "CREATE ROLE bpfdeck LOGIN CREATEDB"
"${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname='bpfdeck_test'" | grep -q 1 || "${psql[@]}" -c "CREATE DATABASE bpfdeck_test OWNER bpfdeck"
echo "postgresql://bpfdeck@127.0.0.1:$port/bpfdeck_test"
