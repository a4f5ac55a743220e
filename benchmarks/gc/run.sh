#!/usr/bin/env bash
# Garbage-collection benchmark: Berth's online collection (with a push workload going on) vs CNCF
# Distribution 2.8's offline `registry garbage-collect`, on the same data, beside the machine's limits.
# See README.md.
#
#   benchmarks/gc/run.sh [--quick] [--blobs N] [--images N] [--window S] [--pushers N] [--warmup S] [--dist-api]
#                        [--profile] [--no-build] [--jar PATH] [--keep] [--nice N] [--postgres] [--s3]
#
#   --quick      smoke run: 10,000 blobs, 1,000 images, 10 s windows, short limits (about 2 minutes)
#   --blobs N    blobs linked to no manifest (default 100000)
#   --images N   images: a config, a layer and a manifest each (default 10000)
#   --window S   the push workload's window before the collection, and the longest after it (default 30)
#   --pushers N  clients of the push workload (default 4); 0 for none: the collection then runs on an idle
#                registry, at full speed, which is the run that compares its speed with Distribution's offline one
#   --warmup S   the push workload's warm-up before its first window (default 30)
#   --dist-api   populate Distribution and delete its manifests through its API (slow: about 200 uploads
#                and 25 deletes a second here) instead of writing the same files directly
#   --profile    a JFR recording (settings=profile) of Berth from the warm-up on, its events during the
#                collection summarised in the report (it costs CPU: the push rates of such a run are not
#                the ones to quote)
#   --no-build   do not run maven; use registry-http/target/registry.jar as it is
#   --jar PATH   benchmark this jar (implies --no-build)
#   --keep       keep the work directory (data directories, logs, pushes.txt, gc.jfr)
#   --nice N     run the servers and the load generators at niceness N (e.g. -10, needs root), and
#                this session's scheduler autogroup too, as ../load/run.sh does
#   --postgres   Berth's metadata in a throw-away PostgreSQL cluster (Debian's postgresql package, started
#                by ../../scripts/lib-postgres.sh at the same niceness, fsync on) instead of the embedded one
#   --s3         both servers' blobs in S3: one S3Proxy (../../scripts/lib-s3proxy.sh, filesystem-nio2 backend,
#                its data in the work directory, at the same niceness) with a bucket for each; Berth with
#                --blob-store s3 (its collector deletes objects with DeleteObjects of up to 1,000 keys),
#                Distribution with its s3 driver (as ../load/run.sh --s3) and its offline garbage-collect on it;
#                Distribution's layout written as files into its bucket's directory (S3Proxy serves them);
#                the S3 server's own delete rates (S3DeleteLimit.java) measured beside them, as the limit.
#                S3Proxy's jar: S3PROXY_JAR, else storage-s3/target/s3proxy/s3proxy.jar of this tree or of
#                the tree --jar comes from
#
# Environment: BENCH_WORK_PARENT (default /var/tmp) holds the data directories; BERTH_JAVA_OPTS the JVM
# options of Berth (default -Xmx512m).
#
# Writes results/<UTC time>.md (and .json) and prints the report; results/ is not kept in git.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../scripts/lib-server.sh
. "$ROOT/scripts/lib-server.sh"
# shellcheck source=../../scripts/lib-packages.sh
. "$ROOT/scripts/lib-packages.sh"
BUILD=1 JAR="" KEEP=0 NICE=0 POSTGRES=0 S3=0 PY_ARGS=()
ORIG_ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) PY_ARGS+=(--blobs 10000 --images 1000 --window 10 --warmup 5 --quick-limits) ;;
    --blobs|--images|--window|--pushers|--warmup)
      [[ "${2:-}" =~ ^[0-9]+$ ]] || { echo "run.sh: $1 takes a number" >&2; exit 2; }
      PY_ARGS+=("$1" "$2"); shift ;;
    --dist-api|--profile) PY_ARGS+=("$1") ;;
    --no-build) BUILD=0 ;;
    --jar) JAR="$2"; BUILD=0; shift ;;
    --keep) KEEP=1 ;;
    --nice) NICE="$2"; shift ;;
    --postgres) POSTGRES=1 ;;
    --s3) S3=1 ;;
    -h|--help) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$NICE" =~ ^-?[0-9]+$ ]] || { echo "run.sh: --nice takes an integer" >&2; exit 2; }
PY_ARGS+=(--nice "$NICE")

say() { echo "[run.sh $(date +%H:%M:%S)] $*" >&2; }
T0=$(date +%s)

# ------------------------------------------------------------------ tools (as ../load/run.sh)
declare -A PKG=( [docker-registry]=docker-registry [curl]=curl [jq]=jq [java]=openjdk-17-jdk-headless
                 [jcmd]=openjdk-17-jdk-headless [jfr]=openjdk-17-jdk-headless [mvn]=maven [python3]=python3
                 [dd]=coreutils [getconf]=libc-bin )
missing=()
for cmd in "${!PKG[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${PKG[$cmd]}")
done
packages_install "${missing[@]}"
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
fi
DIST_VERSION="$(/usr/bin/docker-registry --version 2>&1 | head -1)"
PY="$(command -v python3)"
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# ------------------------------------------------------------------ work dirs, cleanup
WORK="$(mktemp -d "${BENCH_WORK_PARENT:-/var/tmp}/berth-gc.XXXXXX")"
SCRATCH="$(mktemp -d /dev/shm/berth-gc.XXXXXX 2>/dev/null || { mkdir -p "$WORK/scratch"; echo "$WORK/scratch"; })"
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
  [ "$POSTGRES" = 0 ] || pg_test_stop >/dev/null 2>&1 || true
  if declare -F s3_test_stop >/dev/null; then
    if [ $KEEP -eq 1 ]; then stop_pid "$S3_TEST_PID" 10; else s3_test_stop; fi
  fi
  wait 2>/dev/null || true
  if [ -n "$AG_OLD" ]; then echo "$AG_OLD" >/proc/$$/autogroup 2>/dev/null || true; fi
  if [ $KEEP -eq 1 ]; then
    say "kept work directory $WORK"
    rm -rf "$SCRATCH"
  else
    rm -rf "$WORK" "$SCRATCH"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# with autogroup scheduling, plain nice counts only inside the session: the session's group gets it too
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
    say "building the jar (mvn -B -q -pl registry-http -am -DskipTests package)"
    (cd "$ROOT" && { mvn -B -q -o -pl registry-http -am -DskipTests package 2>/dev/null \
                     || mvn -B -q -pl registry-http -am -DskipTests package; })
  fi
fi
[ -f "$JAR" ] || { echo "run.sh: jar not found: $JAR" >&2; exit 1; }
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
DIST_ROOT="$WORK/dist/root" BERTH_BLOBS="$WORK/berth/data" BERTH_S3=() S3_ARGS=()
STORAGE="filesystem (each server's data directory on $(df -PT "$WORK" | awk 'NR==2 {print $2}'))"
DIST_STORAGE="  filesystem:
    rootdirectory: $DIST_ROOT"
if [ $S3 -eq 1 ]; then
  # shellcheck source=../../scripts/lib-s3proxy.sh
  . "$ROOT/scripts/lib-s3proxy.sh"
  if [ -z "${S3PROXY_JAR:-}" ] && [ ! -f "$S3_TEST_JAR_DEFAULT" ]; then
    S3PROXY_JAR="$(cd "$(dirname "$JAR")/../.." && pwd)/storage-s3/target/s3proxy/s3proxy.jar"
    export S3PROXY_JAR
  fi
  # its data in the work directory (the data disk); bucket berth (the variables Berth reads are exported, and
  # given on its command line too), bucket dist, bucket limit for S3DeleteLimit.java
  TMPDIR="$WORK" s3_test_start || { echo "run.sh: S3Proxy did not start" >&2; exit 1; }
  for b in dist limit; do s3_test_bucket "$b" || { echo "run.sh: could not create bucket $b" >&2; exit 1; }; done
  # the store runs at the servers' niceness (as PostgreSQL with --postgres): every thread now, later ones inherit it
  if [ "$NICE" != 0 ]; then
    for t in /proc/"$S3_TEST_PID"/task/*; do renice -n "$NICE" -p "${t##*/}" >/dev/null 2>&1 || true; done
  fi
  DIST_ROOT="$S3_TEST_DIR/data/dist" BERTH_BLOBS="$S3_TEST_DIR/data/berth"
  BERTH_S3=(--blob-store s3 --s3-endpoint "$REGISTRY_S3_ENDPOINT" --s3-bucket berth --s3-path-style)
  S3_ARGS=(--s3 --s3-endpoint "$REGISTRY_S3_ENDPOINT" --s3-pid "$S3_TEST_PID" --jar "$WORK/registry.jar")
  STORAGE="S3: one S3Proxy $(unzip -p "${S3PROXY_JAR:-$S3_TEST_JAR_DEFAULT}" META-INF/MANIFEST.MF 2>/dev/null | sed -n 's/^Implementation-Version: *//p' | tr -d '\r') on loopback (filesystem-nio2 backend, its data in the work directory on $(df -PT "$WORK" | awk 'NR==2 {print $2}'), at the servers' niceness), a bucket per server"
  DIST_STORAGE="$(s3_test_distribution_storage dist)"
else
  mkdir -p "$DIST_ROOT"
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
# AWS_CA_BUNDLE (set on some machines) makes Distribution's S3 driver panic at start; Berth's REGISTRY_* variables are
# not Distribution's (it reads REGISTRY_* as configuration): as ../load/run.sh
env -u AWS_CA_BUNDLE -u REGISTRY_BLOB_STORE -u REGISTRY_S3_ENDPOINT -u REGISTRY_S3_BUCKET -u REGISTRY_S3_PATH_STYLE \
  nice -n "$NICE" /usr/bin/docker-registry serve "$WORK/dist/config.yml" >"$WORK/dist/log" 2>&1 </dev/null &
DIST_PID=$!
wait_http "http://127.0.0.1:$DIST_PORT/v2/" "$DIST_PID" 30 || { tail -20 "$WORK/dist/log" >&2; exit 1; }

# ------------------------------------------------------------------ Berth
METADATA="embedded H2"
if [ "$POSTGRES" = 1 ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null \
    || packages_install postgresql
  # shellcheck source=../../scripts/lib-postgres.sh
  . "$ROOT/scripts/lib-postgres.sh"
  PG_TEST_FSYNC=on pg_test_start || exit 1
  renice -n "$NICE" -p "$(head -1 "$PG_TEST_DIR/cluster/postmaster.pid")" >/dev/null 2>&1 || true
  export REGISTRY_METADATA_URL="$PG_TEST_URL"
  METADATA="PostgreSQL $("$(pg_test_bin)/postgres" --version | awk '{print $3}') (a throw-away cluster with its defaults: fsync, synchronous_commit)"
fi
BERTH_PORT="$(free_port)"
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
umask 077; printf '%s' "$TOKEN" >"$WORK/admin-token"; umask 022
say "starting Berth on 127.0.0.1:$BERTH_PORT (--gc-grace 0s --gc-interval 0${BERTH_S3[*]:+ ${BERTH_S3[*]}})"
# shellcheck disable=SC2086
REGISTRY_ADMIN_TOKEN="$TOKEN" nice -n "$NICE" java ${BERTH_JAVA_OPTS--Xmx512m} -jar "$WORK/registry.jar" \
  --port "$BERTH_PORT" --bind 127.0.0.1 --data-dir "$WORK/berth/data" --gc-grace 0s --gc-interval 0 "${BERTH_S3[@]}" \
  >"$WORK/berth.log" 2>&1 </dev/null &
BERTH_PID=$!
wait_http "http://127.0.0.1:$BERTH_PORT/v2/" "$BERTH_PID" 90 || { tail -20 "$WORK/berth.log" >&2; exit 1; }
SECRET="$(berth_create_user "$BERTH_PORT" "$TOKEN" gcbench push)" || exit 1
umask 077; printf '%s' "$SECRET" >"$WORK/berth-secret"; umask 022

# ------------------------------------------------------------------ facts
TS="$(date -u +%Y%m%dT%H%M%SZ)"
GIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$ROOT" && git status --porcelain -- . ':!benchmarks' 2>/dev/null | head -1)" ]; then GIT="$GIT+dirty"; fi
OTHER_JAVA=$(ps -eo pid=,args= | awk -v me="$BERTH_PID" -v s3="${S3_TEST_PID:-}" '$1 != me && $1 != s3 && /java/ && !/awk/' | wc -l)
jq -n \
  --arg nproc "$(nproc)" \
  --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
  --arg kernel "$(uname -sr)" \
  --arg memory "$(free -m | awk '/^Mem:/ {printf "%.1f GiB", $2/1024}')" \
  --arg java "$(java -version 2>&1 | head -1)" \
  --arg dist_version "$DIST_VERSION" \
  --arg git "$GIT" \
  --arg java_opts "${BERTH_JAVA_OPTS--Xmx512m}" \
  --arg metadata "$METADATA" \
  --arg storage "$STORAGE" \
  --arg data_fs "$(df -PT "$WORK" | awk 'NR==2 {print $1" ("$2")"}')" \
  --arg other_load "load average at start $(cut -d' ' -f1-3 /proc/loadavg), $OTHER_JAVA other java process(es)" \
  --arg command "benchmarks/gc/run.sh${ORIG_ARGS:+ $ORIG_ARGS}" \
  --arg nice_note "$([ "$NICE" = 0 ] && echo 'nice 0' || echo "servers and load generators at nice $NICE$([ -n "$AG_OLD" ] && echo ', and so is their scheduler autogroup')")" \
  '$ARGS.named' >"$WORK/info.json"

# ------------------------------------------------------------------ measure
say "measuring (Berth pid $BERTH_PID, Distribution pid $DIST_PID, work dir $WORK)"
nice -n "$NICE" "$PY" "$HERE/gcbench.py" \
  --berth-url "http://127.0.0.1:$BERTH_PORT" --berth-pid "$BERTH_PID" --berth-user gcbench \
  --berth-secret-file "$WORK/berth-secret" --token-file "$WORK/admin-token" --berth-data "$BERTH_BLOBS" \
  --dist-url "http://127.0.0.1:$DIST_PORT" --dist-pid "$DIST_PID" --dist-config "$WORK/dist/config.yml" \
  --dist-root "$DIST_ROOT" --work "$WORK" --scratch "$SCRATCH" --info-json "$WORK/info.json" \
  --out-md "$HERE/results/$TS.md" "${PY_ARGS[@]}" "${S3_ARGS[@]}" &
BENCH_PID=$!
set +e
wait "$BENCH_PID"
RC=$?
set -e
BENCH_PID=""
if [ $RC -ne 0 ]; then
  say "gcbench.py failed (exit $RC); Berth log tail:"
  tail -20 "$WORK/berth.log" >&2
  exit $RC
fi
kill -0 "$BERTH_PID" 2>/dev/null || { echo "run.sh: Berth died during the run" >&2; exit 1; }
if grep -qiE 'Exception|ERROR|WARN' "$WORK/berth.log"; then
  say "Berth's log has warnings or errors:"
  grep -iE 'Exception|ERROR|WARN' "$WORK/berth.log" | head -20 >&2
fi
say "done in $(( $(date +%s) - T0 )) s: $HERE/results/$TS.md"
