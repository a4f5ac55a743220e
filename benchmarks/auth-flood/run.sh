#!/usr/bin/env bash
# Legitimate latency under a flood of wrong admin logins (issue 16, item 7). See README.md.
#
#   benchmarks/auth-flood/run.sh [--jar PATH] [--before-jar PATH] [--seconds N] [--flood N] [--readers N]
#
#   --jar PATH         the Berth jar to measure (default registry-http/target/registry.jar, built
#                      with `mvn -B -q -DskipTests package` when missing)
#   --before-jar PATH  also measure this jar (e.g. a build of the code before the throttle), with
#                      and without the flood; it gets no throttle options
#   --seconds N        measured seconds per scenario, after 5 s of warm-up (default 20)
#   --flood N          clients sending wrong admin tokens, each one request after another (default 128)
#   --readers N        clients of the valid user, each GETting a manifest one after another (default 4)
#
# Scenarios, each on a fresh server: the valid user's GETs alone; the same while the flood runs (the
# server's defaults); the same with the failed-login throttle made too lax to bite (what is left is the
# bounded hash pool); then, with --before-jar, that jar alone and under the flood. One line each.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="$ROOT/registry-http/target/registry.jar" BEFORE_JAR="" SECONDS_MEASURED=20 FLOOD=128 READERS=4
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift ;;
    --before-jar) BEFORE_JAR="$2"; shift ;;
    --seconds) SECONDS_MEASURED="$2"; shift ;;
    --flood) FLOOD="$2"; shift ;;
    --readers) READERS="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

WORK="$(mktemp -d /tmp/berth-auth-flood.XXXXXX)"
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

TOKEN="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

# start_server JAR [options...]: a fresh data directory, the admin token, then waits for /v2/.
start_server() {
  local jar="$1"; shift
  rm -rf "$WORK/data"
  REGISTRY_ADMIN_TOKEN="$TOKEN" java -Xmx512m -jar "$jar" --port "$PORT" --bind 127.0.0.1 \
    --data-dir "$WORK/data" "$@" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null -w '%{http_code}' "$BASE/v2/" | grep -q 401; then return 0; fi
    sleep 0.1
  done
  echo "server did not start; log:" >&2; tail -50 "$WORK/server.log" >&2; exit 1
}

# setup: an image (an empty config, no layers) in library/bench:v1 and a user who may pull it.
setup() {
  local admin="admin:$TOKEN" config digest manifest
  config='{}'
  digest="sha256:$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)"
  curl -sf -u "$admin" -X POST -H 'Content-Type: application/octet-stream' --data-binary "$config" \
    "$BASE/v2/library/bench/blobs/uploads/?digest=$digest" -o /dev/null
  manifest="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$digest\",\"size\":2},\"layers\":[]}"
  curl -sf -u "$admin" -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "$manifest" \
    "$BASE/v2/library/bench/manifests/v1" -o /dev/null
  curl -sf -H "Authorization: Bearer $TOKEN" -X POST "$BASE/api/v1/users" \
    -d '{"name":"bench-reader","duration_days":1,"permissions":[{"registry":"library","access":"pull"}]}' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])'
}

# scenario LABEL FLOOD JAR [options...]
scenario() {
  local label="$1" flood="$2" jar="$3"; shift 3
  start_server "$jar" "$@"
  local secret
  secret="$(setup)"
  printf '%-40s ' "$label"
  java -Xmx256m "$HERE/AuthFlood.java" "$BASE" library/bench v1 bench-reader "$secret" "$READERS" "$flood" 5 "$SECONDS_MEASURED"
  stop_server
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(java -version 2>&1 | head -1), readers=$READERS, flood=$FLOOD, ${SECONDS_MEASURED}s measured"
scenario "no flood" 0 "$JAR"
scenario "flood, defaults" "$FLOOD" "$JAR"
scenario "flood, throttle lax (hash pool only)" "$FLOOD" "$JAR" --auth-failures-per-address 100000000 --auth-failures-per-user 100000000
if [ -n "$BEFORE_JAR" ]; then
  scenario "before: no flood" 0 "$BEFORE_JAR"
  scenario "before: flood" "$FLOOD" "$BEFORE_JAR"
fi
