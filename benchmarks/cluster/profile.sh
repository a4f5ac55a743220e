#!/usr/bin/env bash
# Where the CPU goes in the cluster rows of the load benchmark: three Berth nodes on PostgreSQL + S3Proxy behind
# HAProxy (scripts/lib-cluster.sh), node 1 asked directly, one Berth on the filesystem with its embedded H2 (the
# reference of the request rows) and the S3 server asked directly (the limit of the blob rows). Each row runs while
# every process's CPU time is read from /proc and a system-wide `perf record` samples every CPU. See README.md.
#
#   benchmarks/cluster/profile.sh [--jar PATH] [--nodes N] [--rounds N] [--seconds S] [--size-mib N] [--nice N]
#
# Writes results/profile-<UTC time>.md. Needs what lib-cluster.sh needs (PostgreSQL, haproxy, the S3Proxy jar that
# `mvn package` copies), wrk, curl, jq and perf (installed with apt-get when missing and run as root).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benchmarks/cluster"
JAR="$ROOT/registry-http/target/registry.jar"
NODES=3
ROUNDS=2
SECONDS_PER_ROW=10
SIZE_MIB=256
NICE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift ;;
    --nodes) NODES="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --seconds) SECONDS_PER_ROW="$2"; shift ;;
    --size-mib) SIZE_MIB="$2"; shift ;;
    --nice) NICE="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

# shellcheck source=../../scripts/lib-packages.sh
. "$ROOT/scripts/lib-packages.sh"
declare -A PACKAGE=([wrk]=wrk [curl]=curl [jq]=jq [perf]=linux-perf)
missing=()
for tool in "${!PACKAGE[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${PACKAGE[$tool]}")
done
packages_install "${missing[@]}"

# shellcheck source=../../scripts/lib-server.sh
. "$ROOT/scripts/lib-server.sh"
# shellcheck source=../../scripts/lib-postgres.sh
. "$ROOT/scripts/lib-postgres.sh"
# shellcheck source=../../scripts/lib-s3proxy.sh
. "$ROOT/scripts/lib-s3proxy.sh"
# shellcheck source=../../scripts/lib-cluster.sh
. "$ROOT/scripts/lib-cluster.sh"

WORK="$(mktemp -d "${BENCH_WORK_PARENT:-/var/tmp}/berth-profile.XXXXXX")"
FS_PID=""
stop_all() {
  [ -z "$FS_PID" ] || { kill "$FS_PID" 2>/dev/null; wait "$FS_PID" 2>/dev/null || true; }
  cluster_stop 10 >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop_all EXIT
renice_all() {  # every thread of these processes to $NICE (threads started later inherit it)
  local pid t
  [ "$NICE" != 0 ] || return 0
  for pid in "$@"; do
    for t in /proc/"$pid"/task/*; do renice -n "$NICE" -p "${t##*/}" >/dev/null 2>&1 || true; done
  done
}

TOKEN="$(berth_random_token)"
export BERTH_CLUSTER_NODES="$NODES" BERTH_HAPROXY_LOG=errors BERTH_JAVA_OPTS="${BERTH_JAVA_OPTS--Xmx512m}"
# not in the work directory: as root, PostgreSQL runs as the postgres user, which must reach its directory
TMPDIR="${BENCH_WORK_PARENT:-/var/tmp}" cluster_start "$JAR" "$WORK/cluster" "$WORK/log" "$TOKEN" >/dev/null
PG_POSTMASTER="$(head -1 "$PG_TEST_DIR/cluster/postmaster.pid")"
(
  unset REGISTRY_METADATA_URL REGISTRY_BLOB_STORE REGISTRY_S3_ENDPOINT REGISTRY_S3_BUCKET REGISTRY_S3_PATH_STYLE
  berth_start "$JAR" "$WORK/fs" "$WORK/log-fs.log" "$TOKEN" >/dev/null
  echo "$BERTH_PID $BERTH_PORT" >"$WORK/fs.pid"
)
read -r FS_PID FS_PORT <"$WORK/fs.pid"
NODE1_PORT="${CLUSTER_NODE_PORTS%% *}"
# shellcheck disable=SC2046,SC2086
renice_all $CLUSTER_NODE_PIDS "$CLUSTER_HAPROXY_PID" "$S3_TEST_PID" "$PG_POSTMASTER" $(pgrep -P "$PG_POSTMASTER") "$FS_PID"
# this script and the clients it starts (wrk, curl, the S3 limit) at the servers' niceness, and so is its scheduler
# autogroup (with autogroup scheduling, plain nice counts only inside the session)
renice_all $$
[ "$NICE" = 0 ] || echo "$NICE" >"/proc/$$/autogroup" 2>/dev/null || true

basic_auth() {  # basic_auth PORT: a user with push on library, as an Authorization header value
  local secret
  secret="$(berth_create_user "$1" "$TOKEN" bench push)" || return 1
  printf 'Basic %s' "$(printf 'bench:%s' "$secret" | base64 -w0)"
}
declare -A AUTH
AUTH[$CLUSTER_PORT]="$(basic_auth "$CLUSTER_PORT")"
AUTH[$NODE1_PORT]="${AUTH[$CLUSTER_PORT]}"
AUTH[$FS_PORT]="$(basic_auth "$FS_PORT")"

digest_of() { echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"; }
push_blob() {  # push_blob PORT FILE [DIGEST]: a monolithic upload (POST, then PUT with the bytes); prints the HTTP code
  local port="$1" file="$2" digest="${3:-}" location
  [ -n "$digest" ] || digest="$(digest_of "$file")"
  location="$(curl -sS -o /dev/null -D - -X POST -H "Authorization: ${AUTH[$port]}" -H 'Content-Length: 0' \
    "http://127.0.0.1:$port/v2/library/profile/blobs/uploads/" | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')"
  case "$location" in http*) ;; *) location="http://127.0.0.1:$port$location" ;; esac
  case "$location" in *\?*) location="$location&" ;; *) location="$location?" ;; esac
  curl -sS -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: ${AUTH[$port]}" \
    -H 'Content-Type: application/octet-stream' -T "$file" "${location}digest=$digest"
}

# The image whose manifest the request rows fetch, on the cluster and on the reference.
echo '{}' >"$WORK/config"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":3},"layers":[]}' \
  "$(digest_of "$WORK/config")" >"$WORK/manifest"
MANIFEST="$(digest_of "$WORK/manifest")"
for port in "$CLUSTER_PORT" "$FS_PORT"; do
  [ "$(push_blob "$port" "$WORK/config")" = 201 ] || { echo "profile.sh: config push failed" >&2; exit 1; }
  curl -sSf -o /dev/null -X PUT -H "Authorization: ${AUTH[$port]}" -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' \
    --data-binary @"$WORK/manifest" "http://127.0.0.1:$port/v2/library/profile/manifests/v1"
  sed "s|AUTH|${AUTH[$port]}|" >"$WORK/wrk-$port.lua" <<'LUA'
wrk.headers["Authorization"] = "AUTH"
wrk.headers["Accept"] = "application/vnd.oci.image.manifest.v1+json"
LUA
done
cp "$WORK/wrk-$CLUSTER_PORT.lua" "$WORK/wrk-$NODE1_PORT.lua"
# The blob the download rows fetch, and its object in the bucket (the S3 server's own GET of it is the limit).
head -c "$((SIZE_MIB << 20))" /dev/urandom >"$WORK/blob"
BLOB="$(digest_of "$WORK/blob")"
[ "$(push_blob "$CLUSTER_PORT" "$WORK/blob")" = 201 ] || { echo "profile.sh: blob push failed" >&2; exit 1; }
S3_SIGN=(--aws-sigv4 "aws:amz:us-east-1:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
  -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
OBJECT="$(curl -sS "${S3_SIGN[@]}" "$REGISTRY_S3_ENDPOINT/$REGISTRY_S3_BUCKET?list-type=2" \
  | grep -o "<Key>[^<]*</Key><LastModified>[^<]*</LastModified><ETag>[^<]*</ETag><Size>$((SIZE_MIB << 20))<" \
  | sed -n '1s|<Key>\([^<]*\)</Key>.*|\1|p')"
[ -n "$OBJECT" ] || { echo "profile.sh: the blob's object was not found in the bucket" >&2; exit 1; }

# ------------------------------------------------------------------ the clients of the rows
manifest_gets() {  # PORT SECONDS: prints the requests served
  wrk -t2 -c32 -d"$2"s -s "$WORK/wrk-$1.lua" "http://127.0.0.1:$1/v2/library/profile/manifests/$MANIFEST" \
    | awk '/requests in/ {print $1}'
}
downloads() {  # PORT|s3 TIMES: prints the bytes received
  local total=0 i got
  for i in $(seq 1 "$2"); do
    if [ "$1" = s3 ]; then
      got="$(curl -sS -o /dev/null -w '%{size_download}' "${S3_SIGN[@]}" "$REGISTRY_S3_ENDPOINT/$REGISTRY_S3_BUCKET/$OBJECT")"
    else
      got="$(curl -sS -o /dev/null -w '%{size_download}' -H "Authorization: ${AUTH[$1]}" \
        "http://127.0.0.1:$1/v2/library/profile/blobs/$BLOB")"
    fi
    total=$((total + got))
  done
  echo "$total"
}
uploads() {  # PORT TIMES: the files fresh_uploads made; prints the bytes stored
  local total=0 i
  for i in $(seq 1 "$2"); do
    [ "$(push_blob "$1" "$WORK/upload$i" "$(cat "$WORK/upload$i.digest")")" = 201 ] \
      || { echo "profile.sh: upload failed" >&2; return 1; }
    total=$((total + (SIZE_MIB << 20)))
  done
  echo "$total"
}
fresh_uploads() {  # TIMES: new content for that many uploads, and its digests (made before a row, not in it)
  local i
  for i in $(seq 1 "$1"); do
    head -c "$((SIZE_MIB << 20))" /dev/urandom >"$WORK/upload$i"
    digest_of "$WORK/upload$i" >"$WORK/upload$i.digest"
  done
}

# ------------------------------------------------------------------ measuring a row
cpu_ticks() {  # PID...: user+system ticks of these processes, summed (one awk: this runs while perf samples)
  local files=() pid
  for pid in "$@"; do [ -r "/proc/$pid/stat" ] && files+=("/proc/$pid/stat"); done
  [ ${#files[@]} -gt 0 ] || { echo 0; return; }
  awk '{total += $14 + $15} END {print total}' "${files[@]}"
}
roles() {  # prints "role ticks" for every process of the set-up
  # shellcheck disable=SC2046,SC2086
  echo "nodes $(cpu_ticks $CLUSTER_NODE_PIDS) haproxy $(cpu_ticks "$CLUSTER_HAPROXY_PID") fs $(cpu_ticks "$FS_PID")" \
    "s3proxy $(cpu_ticks "$S3_TEST_PID") postgres $(cpu_ticks "$PG_POSTMASTER" $(pgrep -P "$PG_POSTMASTER"))"
}
difference() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a - b}'; }
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6}' /proc/stat; }
# Sets CLIENTS_CPU to the CPU seconds of this shell's finished children (the clients: wrk, curl), from the `times`
# builtin, which must run in this shell itself (a command substitution is a child with no children of its own yet).
clients_cpu() {
  times >"$WORK/times"
  CLIENTS_CPU="$(tail -1 "$WORK/times" | tr -d 's' \
    | awk '{split($1, u, "m"); split($2, k, "m"); print u[1] * 60 + u[2] + k[1] * 60 + k[2]}')"
}
: >"$WORK/rows.jsonl"
measure() {  # measure ROW TARGET UNIT ROUND COMMAND...: runs COMMAND (which prints its units done), profiled
  local row="$1" target="$2" unit="$3" round="$4" perf_pid units before after m0 m1 t0 t1 c0 client
  shift 4
  # what the row before left to do (pull history written behind the requests, a collection of the heap) is done
  sleep 3
  perf record -a -g -e cpu-clock -F 499 -o "$WORK/$row-$target-$round.perf" >/dev/null 2>&1 &
  perf_pid=$!
  sleep 0.5
  clients_cpu; c0="$CLIENTS_CPU"
  before="$(roles)"; m0="$(machine_ticks)"; t0="$(date +%s.%N)"
  units="$("$@")"
  t1="$(date +%s.%N)"; m1="$(machine_ticks)"; after="$(roles)"
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
  clients_cpu; client="$(difference "$CLIENTS_CPU" "$c0")"
  perf report -i "$WORK/$row-$target-$round.perf" --no-children -g none --sort comm,dso --stdio 2>/dev/null \
    | awk 'NF && !/^#/ && n++ < 12' >"$WORK/$row-$target-$round.top"
  rm -f "$WORK/$row-$target-$round.perf"
  jq -nc --arg row "$row" --arg target "$target" --arg unit "$unit" --argjson round "$round" --argjson units "$units" \
    --argjson seconds "$(difference "$t1" "$t0")" --argjson client "$client" --arg before "$before" --arg after "$after" \
    --arg m0 "$m0" --arg m1 "$m1" --rawfile top "$WORK/$row-$target-$round.top" \
    '{row: $row, target: $target, unit: $unit, round: $round, units: $units, seconds: $seconds, client_cpu: $client,
      before: $before, after: $after, machine_before: $m0, machine_after: $m1, top: $top}' >>"$WORK/rows.jsonl"
  echo "profile.sh: $row $target round $round: $units $unit in $(difference "$t1" "$t0") s" >&2
}

# ------------------------------------------------------------------ warm-up (not measured), then the rounds
echo "profile.sh: warming up" >&2
# each node of the cluster sees a third of what goes through the balancer: three times the warm-up there
manifest_gets "$CLUSTER_PORT" 60 >/dev/null
for port in "$NODE1_PORT" "$FS_PORT"; do manifest_gets "$port" 20 >/dev/null; done
fresh_uploads 3
for port in "$CLUSTER_PORT" "$CLUSTER_PORT" "$NODE1_PORT"; do
  downloads "$port" 3 >/dev/null
  uploads "$port" 3 >/dev/null
  fresh_uploads 3
done
downloads s3 3 >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for port in "$CLUSTER_PORT" "$NODE1_PORT" "$FS_PORT"; do
    target=cluster; [ "$port" = "$NODE1_PORT" ] && target=node1; [ "$port" = "$FS_PORT" ] && target=fs
    measure manifest-get "$target" requests "$round" manifest_gets "$port" "$SECONDS_PER_ROW"
  done
  for target in cluster node1 s3; do
    port="$target"; [ "$target" = cluster ] && port="$CLUSTER_PORT"; [ "$target" = node1 ] && port="$NODE1_PORT"
    measure download "$target" bytes "$round" downloads "$port" 3
  done
  for target in cluster node1; do
    port="$CLUSTER_PORT"; [ "$target" = node1 ] && port="$NODE1_PORT"
    fresh_uploads 3
    measure upload "$target" bytes "$round" uploads "$port" 3
  done
done
S3_LIMIT="$(java -cp "$JAR" "$ROOT/benchmarks/load/S3Limit.java" "$REGISTRY_S3_ENDPOINT" \
  "$REGISTRY_S3_BUCKET" "$SIZE_MIB" 3 "$WORK")"

mkdir -p "$HERE/results"
REPORT="$HERE/results/profile-$NODES-nodes-$(date -u +%Y%m%dT%H%M%SZ).md"
python3 "$HERE/profile_report.py" "$WORK/rows.jsonl" "$(getconf CLK_TCK)" "$(nproc)" \
  "$(git -C "$ROOT" rev-parse --short HEAD)" "$S3_LIMIT" "$NICE" "$SIZE_MIB" "$NODES" >"$REPORT"
cat "$REPORT"
echo "profile.sh: report in $REPORT" >&2
