#!/usr/bin/env bash
# Load benchmark: Berth vs CNCF Distribution 2.8 on loopback, in one run. See README.md.
#
#   benchmarks/load/run.sh [--quick] [--rounds N] [--no-build] [--jar PATH] [--no-warmup]
#                          [--warmup-passes N] [--keep] [--nice N] [--s3]
#
#   --quick      short smoke run: 64 MiB blobs, 100 small uploads, 3 s of load, 1 round
#   --rounds N   rounds (default 3; 1 with --quick)
#   --no-build   do not run maven; use registry-http/target/registry.jar as it is
#   --jar PATH   benchmark this jar (implies --no-build)
#   --no-warmup  skip the warm-up before round 1
#   --warmup-passes N  warm-up before round 1, the same on both servers, not counted: the three
#                uploads and the download N times at full size, 3N+1 x 500 small uploads, each
#                request workload for 5 s (default 3; with --quick a tiny one; 0 = none)
#   --keep       keep the work directory (server logs, data) instead of deleting it
#   --nice N     run both servers and the load generators at niceness N (e.g. -10, needs root),
#                and give this session's scheduler autogroup the same niceness while it runs
#                (with autogroup scheduling, plain nice counts only inside the session): on a
#                machine that other work keeps busy, this keeps that work from deciding the
#                result (default 0: normal priority)
#   --s3         both servers keep their blobs in S3: one S3Proxy (filesystem-nio2 backend, its data in the
#                work directory) with a bucket for each, Berth with --blob-store s3, Distribution with its
#                s3 driver (its redirects off, so that both serve blobs through themselves, Berth's default);
#                and the S3 server's own PUT/GET throughput of one blob-sized object (S3Limit.java, the same
#                SDK) is measured beside them, as the limit
#
# Environment: BENCH_WORK_PARENT (default /var/tmp) holds both servers' data directories;
# BERTH_JAVA_OPTS JVM options for Berth (default -Xmx512m, as the README recommends for production).
#
# Installs what it needs with apt-get (docker-registry, wrk, hey, curl, jq, dd, a JDK, maven),
# starts Distribution from its binary with a config of its own (the package's service stays
# stopped), starts Berth, runs bench.py, and writes results/<timestamp>.md and results/latest.md.
# Everything it starts is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
QUICK=0 ROUNDS="" BUILD=1 JAR="" WARMUP=1 WARMUP_PASSES="" KEEP=0 NICE=0 S3=0
ORIG_ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --no-build) BUILD=0 ;;
    --jar) JAR="$2"; BUILD=0; shift ;;
    --no-warmup) WARMUP=0 ;;
    --warmup-passes) WARMUP_PASSES="$2"; shift ;;
    --keep) KEEP=1 ;;
    --nice) NICE="$2"; shift ;;
    --s3) S3=1 ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$NICE" =~ ^-?[0-9]+$ ]] || { echo "run.sh: --nice takes an integer" >&2; exit 2; }
if [ -n "$ROUNDS" ] && ! [[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]]; then
  echo "run.sh: --rounds takes 1..99" >&2; exit 2
fi
if [ -n "$WARMUP_PASSES" ] && ! [[ "$WARMUP_PASSES" =~ ^[0-9]$ ]]; then
  echo "run.sh: --warmup-passes takes 0..9" >&2; exit 2
fi

say() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }
T0=$(date +%s)

# ------------------------------------------------------------------ tools
declare -A PKG=( [docker-registry]=docker-registry [wrk]=wrk [hey]=hey [curl]=curl [jq]=jq
                 [java]=openjdk-17-jdk-headless [mvn]=maven [python3]=python3 [dd]=coreutils
                 [getconf]=libc-bin )
missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Debian starts a package's service on install unless policy-rc.d says no: the package's own
  # docker-registry service must not run (it would listen on :5000 with its own config).
  POLICY_ADDED=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    POLICY_ADDED=1
  fi
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  [ $POLICY_ADDED -eq 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
fi
# the package's service, if a service manager runs here: stopped and disabled
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
fi
DIST_VERSION="$(/usr/bin/docker-registry --version 2>&1 | head -1)"
case "$DIST_VERSION" in
  *" 2.8."*|*" v2.8."*) ;;
  *) say "WARNING: expected Distribution 2.8.x, found: $DIST_VERSION" ;;
esac
PY="$(command -v python3)"
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# ------------------------------------------------------------------ work dirs, cleanup
WORK="$(mktemp -d "${BENCH_WORK_PARENT:-/var/tmp}/berth-load.XXXXXX")"
SHM_FREE_KB=$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}' || echo 0)
if [ "${SHM_FREE_KB:-0}" -gt $((3 * 1024 * 1024)) ]; then
  SCRATCH="$(mktemp -d /dev/shm/berth-load.XXXXXX)"   # client-side files: no disk writeback
else
  SCRATCH="$WORK/scratch"; mkdir -p "$SCRATCH"
fi
BERTH_PID="" DIST_PID="" BENCH_PID="" AG_OLD=""

stop_pid() {  # stop_pid PID SECONDS: SIGTERM, then SIGKILL
  local pid="$1" t="$2" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < t * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.25
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  stop_pid "$BENCH_PID" 10
  stop_pid "$BERTH_PID" 15
  stop_pid "$DIST_PID" 10
  if declare -F s3_test_stop >/dev/null; then s3_test_stop; fi
  wait 2>/dev/null || true
  if [ -n "$AG_OLD" ]; then echo "$AG_OLD" >/proc/$$/autogroup 2>/dev/null || true; fi
  if [ $KEEP -eq 1 ]; then
    say "kept work directory $WORK (scratch $SCRATCH)"
  else
    rm -rf "$WORK" "$SCRATCH"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "$NICE" != 0 ] && [ -w /proc/$$/autogroup ]; then
  old="$(sed -n 's/.* nice \(-\{0,1\}[0-9]*\)$/\1/p' /proc/$$/autogroup)"
  if echo "$NICE" >/proc/$$/autogroup 2>/dev/null; then
    AG_OLD="${old:-0}"
    say "scheduler autogroup of this session at nice $NICE until the end of the run (was $AG_OLD)"
  fi
fi

# ------------------------------------------------------------------ build
if [ -z "$JAR" ]; then
  JAR="$ROOT/registry-http/target/registry.jar"
  if [ $BUILD -eq 1 ]; then
    say "building the jar (mvn -B -q -DskipTests package)"
    (cd "$ROOT" && mvn -B -q -DskipTests package)
  fi
fi
[ -f "$JAR" ] || { echo "run.sh: jar not found: $JAR" >&2; exit 1; }
# a private copy: a concurrent rebuild of the tree must not change the running server's jar
cp "$JAR" "$WORK/registry.jar"

free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() {  # wait_http URL PID SECONDS: until /v2/ answers 200 or 401
  local url="$1" pid="$2" t="$3" i code
  for ((i = 0; i < t * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || return 2
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$url" 2>/dev/null || true)"
    [ "$code" = 200 ] || [ "$code" = 401 ] && return 0
    sleep 0.25
  done
  return 1
}

# ------------------------------------------------------------------ S3 (--s3)
WORK_FS="$(df -PT "$WORK" | awk 'NR==2 {print $2}')"
STORAGE="filesystem (each server's data directory on $WORK_FS)"
DIST_STORAGE="  filesystem:
    rootdirectory: $WORK/dist/root"
if [ $S3 -eq 0 ]; then
  mkdir -p "$WORK/dist/root"
else
  # shellcheck source=../../scripts/lib-server.sh
  . "$ROOT/scripts/lib-server.sh"
  # shellcheck source=../../scripts/lib-s3proxy.sh
  . "$ROOT/scripts/lib-s3proxy.sh"
  # Its data in the work directory, on the disk the filesystem runs use; bucket berth for Berth (the variables
  # Berth reads are exported), bucket dist for Distribution.
  TMPDIR="$WORK" s3_test_start || { echo "run.sh: S3Proxy did not start" >&2; exit 1; }
  s3_test_bucket dist || { echo "run.sh: could not create bucket dist" >&2; exit 1; }
  STORAGE="S3: one S3Proxy on loopback (filesystem-nio2 backend, its data in the work directory on $WORK_FS), a bucket per server; Berth's metadata in its embedded H2"
  DIST_STORAGE="  s3:
    accesskey: $AWS_ACCESS_KEY_ID
    secretkey: $AWS_SECRET_ACCESS_KEY
    region: us-east-1
    regionendpoint: $REGISTRY_S3_ENDPOINT
    bucket: dist
    secure: false
    v4auth: true
  redirect:
    disable: true"
fi

# ------------------------------------------------------------------ Distribution
DIST_PORT="$(free_port)"
mkdir -p "$WORK/dist"
cat >"$WORK/dist/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
$DIST_STORAGE
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$DIST_PORT
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
EOF
say "starting Distribution ($DIST_VERSION) on 127.0.0.1:$DIST_PORT"
# AWS_CA_BUNDLE (set on some machines) makes Distribution's S3 driver panic at start: its HTTP transport takes none.
# Berth's REGISTRY_* variables are not Distribution's (it reads REGISTRY_* as configuration).
env -u AWS_CA_BUNDLE -u REGISTRY_BLOB_STORE -u REGISTRY_S3_ENDPOINT -u REGISTRY_S3_BUCKET -u REGISTRY_S3_PATH_STYLE \
  nice -n "$NICE" /usr/bin/docker-registry serve "$WORK/dist/config.yml" >"$WORK/dist/log" 2>&1 </dev/null &
DIST_PID=$!
if ! wait_http "http://127.0.0.1:$DIST_PORT/v2/" "$DIST_PID" 30; then
  tail -20 "$WORK/dist/log" >&2; echo "run.sh: Distribution did not start" >&2; exit 1
fi

# ------------------------------------------------------------------ Berth
BERTH_PORT="$(free_port)"
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
say "starting Berth on 127.0.0.1:$BERTH_PORT"
# shellcheck disable=SC2086
REGISTRY_ADMIN_TOKEN="$TOKEN" nice -n "$NICE" java ${BERTH_JAVA_OPTS--Xmx512m} -jar "$WORK/registry.jar" --port "$BERTH_PORT" \
  --bind 127.0.0.1 --data-dir "$WORK/berth/data" >"$WORK/berth.log" 2>&1 </dev/null &
BERTH_PID=$!
if ! wait_http "http://127.0.0.1:$BERTH_PORT/v2/" "$BERTH_PID" 90; then
  tail -20 "$WORK/berth.log" >&2; echo "run.sh: Berth did not start" >&2; exit 1
fi
USER_JSON="$(curl -sS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  "http://127.0.0.1:$BERTH_PORT/api/v1/users" \
  -d '{"name":"bench","description":"load benchmark","duration_days":-1,"permissions":[{"registry":"library","access":"push"}]}')"
SECRET="$(jq -r '.secret // empty' <<<"$USER_JSON")"
[ -n "$SECRET" ] || { echo "run.sh: could not create the Berth user: $USER_JSON" >&2; exit 1; }
umask 077; printf '%s' "$SECRET" >"$WORK/berth-secret"; umask 022

# ------------------------------------------------------------------ facts about the machine
TS="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$HERE/results"
mkdir -p "$RESULTS"
GIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$ROOT" && git status --porcelain -- . ':!benchmarks' 2>/dev/null | head -1)" ]; then GIT="$GIT+dirty"; fi
OTHER_JAVA=$(ps -eo pid=,args= | awk -v me="$BERTH_PID" '$1 != me && /java/ && !/awk/' | wc -l)
cmdline="benchmarks/load/run.sh${ORIG_ARGS:+ $ORIG_ARGS}"
jq -n \
  --arg nproc "$(nproc)" \
  --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(grep -c ^processor /proc/cpuinfo) logical CPUs; flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -o -w -E 'sha_ni|avx2|avx512f' | sort -u | tr '\n' ' ' | sed 's/ $//'))" \
  --arg kernel "$(uname -srm)" \
  --arg memory "$(free -m | awk '/^Mem:/ {printf "%.1f GiB", $2/1024}')" \
  --arg java "$(java -version 2>&1 | head -2 | tr '\n' ' ' | sed 's/ $//')" \
  --arg python "$("$PY" --version 2>&1)" \
  --arg curl "$(curl --version | head -1 | cut -d' ' -f1-2)" \
  --arg wrk "$(dpkg-query -W -f '${Version}' wrk 2>/dev/null || echo '?')" \
  --arg hey "$(dpkg-query -W -f '${Version}' hey 2>/dev/null || echo '?')" \
  --arg dist_version "$DIST_VERSION" \
  --arg berth_version "$(head -1 "$WORK/berth.log" | sed "s/ listening.*//")" \
  --arg git "$GIT" \
  --arg java_opts "${BERTH_JAVA_OPTS--Xmx512m}" \
  --arg data_fs "$(df -PT "$WORK" | awk 'NR==2 {print $1" ("$2")"}')" \
  --arg other_load "load average at start $(cut -d' ' -f1-3 /proc/loadavg); $OTHER_JAVA other java process(es) running" \
  --arg command "$cmdline" \
  --arg nice_note "$([ "$NICE" = 0 ] && echo 'normal (nice 0)' || echo "servers and load generators at nice $NICE$([ -n "$AG_OLD" ] && echo ', and so is their scheduler autogroup'), everything else at its own")" \
  '$ARGS.named' >"$WORK/info.json"

# ------------------------------------------------------------------ the S3 server's own throughput (--s3)
S3_LIMIT=""
if [ $S3 -eq 1 ]; then
  S3_LIMIT_MIB=256; [ $QUICK -eq 1 ] && S3_LIMIT_MIB=64
  say "measuring the S3 server's own PUT/GET of a $S3_LIMIT_MIB MiB object"
  S3_LIMIT="$(nice -n "$NICE" java -cp "$WORK/registry.jar" "$HERE/S3Limit.java" "$REGISTRY_S3_ENDPOINT" dist \
    "$S3_LIMIT_MIB" 3 "$SCRATCH")" || { echo "run.sh: S3Limit failed" >&2; exit 1; }
  S3_LIMIT="$S3_LIMIT_MIB MiB object, SDK v2 (S3Limit.java), best of 3 after a warm-up: $S3_LIMIT"
fi
jq --arg storage "$STORAGE" --arg s3_limit "$S3_LIMIT" '. + {storage: $storage} + (if $s3_limit == "" then {} else {s3_limit: $s3_limit} end)' \
  "$WORK/info.json" >"$WORK/info.json.new" && mv "$WORK/info.json.new" "$WORK/info.json"

# ------------------------------------------------------------------ measure
BENCH_ARGS=(--berth-url "http://127.0.0.1:$BERTH_PORT" --berth-pid "$BERTH_PID" --berth-user bench
  --berth-secret-file "$WORK/berth-secret" --dist-url "http://127.0.0.1:$DIST_PORT" --dist-pid "$DIST_PID"
  --work "$WORK" --scratch "$SCRATCH" --here "$HERE" --info-json "$WORK/info.json"
  --out-md "$RESULTS/$TS.md" --out-json "$RESULTS/$TS.json")
[ $QUICK -eq 1 ] && BENCH_ARGS+=(--quick)
[ -n "$ROUNDS" ] && BENCH_ARGS+=(--rounds "$ROUNDS")
[ $WARMUP -eq 0 ] && BENCH_ARGS+=(--no-warmup)
[ -n "$WARMUP_PASSES" ] && BENCH_ARGS+=(--warmup-passes "$WARMUP_PASSES")
say "measuring (Berth pid $BERTH_PID, Distribution pid $DIST_PID, work dir $WORK)"
nice -n "$NICE" "$PY" "$HERE/bench.py" "${BENCH_ARGS[@]}" &
BENCH_PID=$!
set +e
wait "$BENCH_PID"
RC=$?
set -e
BENCH_PID=""
if [ $RC -ne 0 ]; then
  say "bench.py failed (exit $RC); Berth log tail:"
  tail -20 "$WORK/berth.log" >&2
  say "Distribution log tail:"
  tail -5 "$WORK/dist/log" >&2
  exit $RC
fi
kill -0 "$BERTH_PID" 2>/dev/null || { echo "run.sh: Berth died during the run" >&2; exit 1; }
kill -0 "$DIST_PID" 2>/dev/null || { echo "run.sh: Distribution died during the run" >&2; exit 1; }
cp "$RESULTS/$TS.md" "$RESULTS/latest.md"
cp "$RESULTS/$TS.json" "$RESULTS/latest.json"
say "done in $(( $(date +%s) - T0 )) s: $RESULTS/$TS.md (and latest.md)"
