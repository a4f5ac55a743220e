# shellcheck shell=bash
# A throw-away PostgreSQL cluster for scripts (CI's conformance run on PostgreSQL metadata), from Debian's
# postgresql package, the same way the Java tests start theirs (storage-fs PostgresServer). Source it after
# lib-server.sh (it uses berth_free_port); it sets no shell options of its own.
#
#   pg_test_start  -> initdb in a new temporary directory (its own, directly under TMPDIR: as root the cluster
#                     runs as the package's unprivileged postgres user, which must reach it), start on a free
#                     loopback port, create database berth (C collation); sets PG_TEST_URL
#                     (jdbc:postgresql://127.0.0.1:PORT/berth?user=berth, trusted, no password).
#   pg_test_database NAME -> creates one more database NAME (C collation) on it and prints its JDBC URL (as
#                     PG_TEST_URL's): one server, several independent Berth set-ups (load benchmark --cluster).
#   pg_test_stop   -> stops it (immediate) and removes the directory.
#
# PG_TEST_FSYNC=on keeps PostgreSQL's fsyncs (a benchmark); tests run with fsync=off, as the Java harness does.

PG_TEST_DIR=""
PG_TEST_URL=""
PG_TEST_PORT=""

pg_test_bin() {
  local found
  found="$(compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" | sort -V | tail -n 1)"
  [ -n "$found" ] || { echo "pg_test_start: PostgreSQL is not installed (apt-get install postgresql)" >&2; return 1; }
  dirname "$found"
}

pg_test_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_test_start() {
  local dir bin port
  bin="$(pg_test_bin)" || return 1
  port="$(berth_free_port)" || return 1
  dir="$(mktemp -d "${TMPDIR:-/tmp}/berth-pg.XXXXXX")"
  [ "$(id -u)" -ne 0 ] || chown postgres:postgres "$dir"
  pg_test_as_owner "$bin/initdb" -D "$dir/cluster" -U berth --auth=trust --locale=C -E UTF8 --no-sync >/dev/null \
    || { rm -rf "$dir"; return 1; }
  pg_test_as_owner "$bin/pg_ctl" -D "$dir/cluster" -w -l "$dir/server.log" \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=${PG_TEST_FSYNC:-off}" start >/dev/null \
    || { rm -rf "$dir"; return 1; }
  PG_TEST_DIR="$dir"
  PG_TEST_PORT="$port"
  pg_test_database berth >/dev/null || { pg_test_stop; return 1; }
  PG_TEST_URL="jdbc:postgresql://127.0.0.1:$port/berth?user=berth"
  echo "pg_test_start: PostgreSQL on 127.0.0.1:$port (cluster $dir/cluster)" >&2
}

pg_test_database() {
  local bin
  bin="$(pg_test_bin)" || return 1
  pg_test_as_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_TEST_PORT" -U berth --template template0 --lc-collate C \
    --lc-ctype C --encoding UTF8 "$1" || return 1
  echo "jdbc:postgresql://127.0.0.1:$PG_TEST_PORT/$1?user=berth"
}

pg_test_stop() {
  local bin
  [ -n "$PG_TEST_DIR" ] || return 0
  bin="$(pg_test_bin)" && pg_test_as_owner "$bin/pg_ctl" -D "$PG_TEST_DIR/cluster" -m immediate -w stop >/dev/null
  rm -rf "$PG_TEST_DIR"
  PG_TEST_DIR=""
  PG_TEST_URL=""
  PG_TEST_PORT=""
}
