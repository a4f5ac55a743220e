#!/usr/bin/env bash
# Load benchmark: Berth vs CNCF Distribution 2.8 on loopback, in one run. See README.md.
#
#   benchmarks/load/run.sh [--quick] [--rounds N] [--no-build] [--jar PATH] [--no-warmup]
#                          [--warmup-passes N] [--keep] [--nice N] [--no-reference] [--s3] [--cluster]
#
# Targets: Berth started as the README starts it (bin/berth, its default --memory 256m), Berth started
# the old way (java -Xmx512m -jar: the reference its throughput is set against) and Distribution.
#
#   --quick      short smoke run: 64 MiB blobs, 100 small uploads, 3 s of load, 1 round
#   --rounds N   rounds (default 3; 1 with --quick)
#   --no-build   do not run maven; use registry-http/target/registry.jar as it is
#   --jar PATH   benchmark this jar (implies --no-build)
#   --no-warmup  skip the warm-up before round 1
#   --warmup-passes N  warm-up before round 1, the same on every server, not counted: the three
#                uploads and the download N times at full size, 3N+1 x 500 small uploads, each
#                request workload for 5 s (default 3; with --quick a tiny one; 0 = none)
#   --keep       keep the work directory (server logs, data) instead of deleting it
#   --nice N     run the servers and the load generators at niceness N (e.g. -10, needs root),
#                and give this session's scheduler autogroup the same niceness while it runs
#                (with autogroup scheduling, plain nice counts only inside the session): on a
#                machine that other work keeps busy, this keeps that work from deciding the
#                result (default 0: normal priority)
#   --no-reference  leave out Berth at -Xmx512m
#   --s3         one Berth (java -jar with BERTH_JAVA_OPTS) and Distribution, both keeping their blobs in
#                S3: one S3Proxy (filesystem-nio2 backend, its data in the work directory) with a bucket for
#                each, Berth with --blob-store s3, Distribution with its s3 driver (its redirects off, so
#                that both serve blobs through themselves, Berth's default);
#                and the S3 server's own PUT/GET throughput of one blob-sized object (S3Limit.java, the same
#                SDK) is measured beside them, as the limit
#   --cluster    --s3, with Berth in the set-ups of a cluster, side by side in the same run: Distribution on S3
#                (as --s3); Berth on S3 + PostgreSQL, one node; Berth on S3 + PostgreSQL, three nodes behind
#                HAProxy (scripts/lib-cluster.sh); that cluster's node 1 directly (request workloads only); and
#                Berth on the filesystem with its embedded H2 (request workloads only: the reference for the
#                cluster's manifest GET and blob HEAD). One S3Proxy (a bucket per registry) and one throw-away
#                PostgreSQL (scripts/lib-postgres.sh, its default fsync=off; a database per registry); both, the
#                nodes and HAProxy run at the --nice of the servers
#
# Environment: BENCH_WORK_PARENT (default /var/tmp) holds the servers' data directories; BERTH_JAVA_OPTS:
# bin/berth adds these JVM options after its own (default none); with --s3 and --cluster, the JVM options
# of Berth, its cluster nodes included (default -Xmx512m).
#
# Installs what it needs with apt-get (docker-registry, wrk, hey, curl, jq, dd, a JDK, maven),
# starts Distribution from its binary with a config of its own (the package's service stays
# stopped; its debug listener on, where bench.py reads its heap), starts Berth, runs bench.py, and
# writes results/<timestamp>.md and results/latest.md. Everything it starts is stopped on exit.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../../scripts/lib-server.sh
. "$ROOT/scripts/lib-server.sh"
# shellcheck source=../../scripts/lib-packages.sh
. "$ROOT/scripts/lib-packages.sh"
QUICK=0 ROUNDS="" BUILD=1 JAR="" WARMUP=1 WARMUP_PASSES="" KEEP=0 NICE=0 S3=0
CLUSTER=0 REFERENCE=1
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
    --no-reference) REFERENCE=0 ;;
    --s3) S3=1 ;;
    --cluster) CLUSTER=1; S3=1 ;;
    -h|--help) sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
if [ $CLUSTER -eq 1 ]; then
  command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
fi
packages_install "${missing[@]}"
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
BERTH_PID="" REF_PID="" REF_PORT="" DIST_PID="" BENCH_PID="" AG_OLD="" PG1_PID=""

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
  stop_pid "$REF_PID" 15
  stop_pid "$DIST_PID" 10
  if declare -F cluster_stop_nodes >/dev/null; then cluster_stop_nodes 15 || true; fi
  stop_pid "$PG1_PID" 15
  if declare -F pg_test_stop >/dev/null; then pg_test_stop; fi
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
  # shellcheck source=../../scripts/lib-s3proxy.sh
  . "$ROOT/scripts/lib-s3proxy.sh"
  # Its data in the work directory, on the disk the filesystem runs use; bucket berth for Berth (the variables
  # Berth reads are exported), bucket dist for Distribution.
  TMPDIR="$WORK" s3_test_start || { echo "run.sh: S3Proxy did not start" >&2; exit 1; }
  s3_test_bucket dist || { echo "run.sh: could not create bucket dist" >&2; exit 1; }
  STORAGE="S3: one S3Proxy on loopback (filesystem-nio2 backend, its data in the work directory on $WORK_FS), a bucket per server; Berth's metadata in its embedded H2"
  DIST_STORAGE="$(s3_test_distribution_storage dist)"
fi

# ------------------------------------------------------------------ Distribution
DIST_PORT="$(free_port)" DIST_DEBUG_PORT="$(free_port)"
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
  debug:
    addr: 127.0.0.1:$DIST_DEBUG_PORT
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
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
create_user() {  # create_user PORT SECRET_FILE: the repository user bench (push on library), its secret to the file
  local secret
  secret="$(berth_create_user "$1" "$TOKEN" bench push)" || return 1
  umask 077; printf '%s' "$secret" >"$2"; umask 022
}
renice_tree() {  # renice_tree PID...: every thread of these processes and of their descendants to niceness $NICE
  local pid t
  [ "$NICE" != 0 ] || return 0
  for pid in "$@"; do
    for t in /proc/"$pid"/task/*; do renice -n "$NICE" -p "${t##*/}" >/dev/null 2>&1 || true; done
    # shellcheck disable=SC2046
    renice_tree $(pgrep -P "$pid" || true)
  done
}

# ------------------------------------------------------------------ Berth on S3 + PostgreSQL (--cluster)
# One node and a cluster of three, each with a database of its own on one PostgreSQL and a bucket of its own on the
# S3Proxy (the single node: bucket berth, which s3_test_start exported). lib-server.sh's berth_start starts them
# (and sets BERTH_PID / BERTH_PORT, which the Berth section below sets afterwards for its own server); they, HAProxy,
# PostgreSQL and S3Proxy are reniced to the servers' niceness once running (threads created later inherit it).
PG1_PORT="" PG_POSTMASTER=""
if [ $CLUSTER -eq 1 ]; then
  # shellcheck source=../../scripts/lib-postgres.sh
  . "$ROOT/scripts/lib-postgres.sh"
  # shellcheck source=../../scripts/lib-cluster.sh
  . "$ROOT/scripts/lib-cluster.sh"
  # not in the work directory: as root, PostgreSQL runs as the postgres user, which must reach its directory
  TMPDIR="${BENCH_WORK_PARENT:-/var/tmp}" pg_test_start || { echo "run.sh: PostgreSQL did not start" >&2; exit 1; }
  PG_POSTMASTER="$(head -1 "$PG_TEST_DIR/cluster/postmaster.pid")"
  PG_CLUSTER_URL="$(pg_test_database cluster)" || { echo "run.sh: could not create database cluster" >&2; exit 1; }
  s3_test_bucket cluster || { echo "run.sh: could not create bucket cluster" >&2; exit 1; }
  export BERTH_JAVA_OPTS="${BERTH_JAVA_OPTS--Xmx512m}"
  say "starting Berth on S3 + PostgreSQL, one node"
  REGISTRY_METADATA_URL="$PG_TEST_URL" BERTH_NODE_HOST=127.0.0.1 \
    berth_start "$WORK/registry.jar" "$WORK/pg1/data" "$WORK/berth-pg1.log" "$TOKEN" || exit 1
  PG1_PID="$BERTH_PID" PG1_PORT="$BERTH_PORT" BERTH_PID=""
  say "starting Berth on S3 + PostgreSQL, three nodes behind HAProxy"
  # HAProxy logs failed requests only: a line per request would cost it a write on the cores the nodes need
  REGISTRY_METADATA_URL="$PG_CLUSTER_URL" REGISTRY_S3_BUCKET=cluster BERTH_CLUSTER_NODES=3 BERTH_HAPROXY_LOG=errors \
    cluster_start "$WORK/registry.jar" "$WORK/cluster" "$WORK/cluster" "$TOKEN" || exit 1
  # shellcheck disable=SC2086
  renice_tree "$S3_TEST_PID" "$PG_POSTMASTER" "$PG1_PID" $CLUSTER_NODE_PIDS "$CLUSTER_HAPROXY_PID"
  STORAGE="S3: one S3Proxy on loopback (filesystem-nio2 backend, its data in the work directory on $WORK_FS), a bucket per registry; Berth's metadata (S3+PG, the cluster) in one throw-away PostgreSQL $("$(pg_test_bin)/postgres" --version | awk '{print $3}') (scripts/lib-postgres.sh: fsync=${PG_TEST_FSYNC:-off}), a database per registry; Berth fs+H2: blobs and metadata in its data directory"
fi

# with --cluster this Berth is the one on the filesystem with its embedded H2: none of the S3 settings
BERTH_ENV=()
[ $CLUSTER -eq 0 ] || BERTH_ENV=(-u REGISTRY_BLOB_STORE -u REGISTRY_S3_ENDPOINT -u REGISTRY_S3_BUCKET -u REGISTRY_S3_PATH_STYLE)
JAVA_NOTES=()  # "label: `JVM options`" of each Berth, for the report
java_note() {  # java_note LABEL PID LOG: the options on the JVM's command line, the collector it runs, and what
  # Berth logged at start about its memory budget (and whether the JVM's heap may outgrow it)
  local opts gc logged
  opts="$(berth_jvm_options "$2")"
  gc="$(jcmd "$2" VM.flags 2>/dev/null | grep -o -- '-XX:+Use[A-Za-z0-9]*GC' | head -1 || true)"
  logged="$(grep -E -m2 '^Berth memory|^berth: the JVM' "$3" | sed 's/^berth: //; s/: start Berth with.*//' \
    | paste -sd ';' - | sed 's/;/; /')"
  JAVA_NOTES+=("$1: \`${opts:-(none)}\` (collector ${gc:-?}${logged:+; logged at start: $logged})")
}
start_berth() {  # start_berth VAR LABEL DIR COMMAND...: COMMAND --port P --bind 127.0.0.1 --data-dir DIR/data on a
  # free port, at the servers' niceness, its log in DIR.log, the user bench's secret in DIR-secret; sets VAR_PID, VAR_PORT
  local var="$1" label="$2" dir="$3" port pid
  shift 3
  port="$(free_port)"
  say "starting $label on 127.0.0.1:$port"
  REGISTRY_ADMIN_TOKEN="$TOKEN" env "${BERTH_ENV[@]}" nice -n "$NICE" "$@" --port "$port" --bind 127.0.0.1 \
    --data-dir "$dir/data" >"$dir.log" 2>&1 </dev/null &
  pid=$!
  printf -v "${var}_PID" '%s' "$pid"  # at once: cleanup stops it even if it never answers
  printf -v "${var}_PORT" '%s' "$port"
  if ! wait_http "http://127.0.0.1:$port/v2/" "$pid" 90; then
    tail -20 "$dir.log" >&2; echo "run.sh: $label did not start" >&2; exit 1
  fi
  create_user "$port" "$dir-secret" || exit 1
  java_note "$label" "$pid" "$dir.log"
}
if [ $S3 -eq 0 ]; then
  # as the README starts it: bin/berth sizes the JVM from --memory, here its default
  start_berth BERTH Berth "$WORK/berth" env BERTH_JAR="$WORK/registry.jar" "$ROOT/bin/berth"
  if [ $REFERENCE -eq 1 ]; then
    # the way Berth was started before bin/berth: the reference of "throughput within 10%"
    start_berth REF "Berth -Xmx512m" "$WORK/ref" java -Xmx512m -jar "$WORK/registry.jar"
  fi
else
  read -ra BERTH_JVM <<<"${BERTH_JAVA_OPTS--Xmx512m}"
  start_berth BERTH "Berth$([ $CLUSTER -eq 0 ] || echo ' fs+H2')" "$WORK/berth" java "${BERTH_JVM[@]}" -jar "$WORK/registry.jar"
fi
if [ $CLUSTER -eq 1 ]; then
  create_user "$PG1_PORT" "$WORK/pg1-secret" || exit 1
  create_user "$CLUSTER_PORT" "$WORK/cluster-secret" || exit 1
  java_note "Berth S3+PG and the cluster's nodes" "$PG1_PID" "$WORK/berth-pg1.log"
fi

# ------------------------------------------------------------------ facts about the machine
TS="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$HERE/results"
mkdir -p "$RESULTS"
GIT="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(cd "$ROOT" && git status --porcelain -- . ':!benchmarks' 2>/dev/null | head -1)" ]; then GIT="$GIT+dirty"; fi
OUR_PIDS=" $BERTH_PID $REF_PID $PG1_PID ${CLUSTER_NODE_PIDS:-} ${S3_TEST_PID:-} "
OTHER_JAVA=$(ps -eo pid=,args= | awk -v ours="$OUR_PIDS" 'index(ours, " " $1 " ") == 0 && /java/ && !/awk/' | wc -l)
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
  --arg java_opts "$(printf '%s; ' "${JAVA_NOTES[@]}" | sed 's/; $//')" \
  --arg data_fs "$(df -PT "$WORK" | awk 'NR==2 {print $1" ("$2")"}')" \
  --arg other_load "load average at start $(cut -d' ' -f1-3 /proc/loadavg); $OTHER_JAVA other java process(es) running" \
  --arg command "$cmdline" \
  --arg nice_note "$([ "$NICE" = 0 ] && echo 'normal (nice 0)' || echo "servers and load generators at nice $NICE$([ -n "$AG_OLD" ] && echo ', and so is their scheduler autogroup'), everything else at its own")" \
  '$ARGS.named' >"$WORK/info.json"
if [ $CLUSTER -eq 1 ]; then
  jq --arg haproxy "$("$(cluster_haproxy_bin)" -v | head -1)" \
    --arg postgresql "$("$(pg_test_bin)/postgres" --version)" \
    --arg targets "Berth S3+PG: one node (--node-address), blobs in S3, metadata in PostgreSQL. Berth 3 nodes + HAProxy: three such nodes sharing a database, a bucket and the admin token, behind HAProxy (round robin per request, scripts/lib-cluster.sh; it logs failed requests only); their CPU and peak RSS are the sum over the nodes and HAProxy. Berth cluster node 1: the first node of that cluster, asked directly (request workloads only, the cluster's repositories). Berth fs+H2: one node with blobs and metadata in its data directory (request workloads only). Distribution: its s3 driver, redirects off. The S3 rows' limit: the S3 server's own throughput below." \
    '. + {haproxy: $haproxy, postgresql: $postgresql, targets: $targets}' "$WORK/info.json" >"$WORK/info.json.new" \
    && mv "$WORK/info.json.new" "$WORK/info.json"
fi

if [ -n "$REF_PID" ]; then
  jq --arg targets "Berth: started as the README starts it, bin/berth with its default budget (--memory 256m), which sets the JVM's limits from it. Berth -Xmx512m: the same jar started the way it was before bin/berth, java -Xmx512m -jar (the server sizes its caches from the same default budget and warns that the heap may grow past it): the reference for Berth's throughput. Distribution: its filesystem driver." \
    '. + {targets: $targets}' "$WORK/info.json" >"$WORK/info.json.new" && mv "$WORK/info.json.new" "$WORK/info.json"
fi

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
TARGETS=()  # one JSON object per target, in the order each round takes them
# HEAP: how bench.py reads the heap after a full GC, "jcmd PID..." or "pprof DEBUG_URL"
target() {  # target KEY LABEL SHORT PORT "PID..." SECRET_FILE LIMIT HEAP ["WORKLOAD..." [DATA_OF]] (bench.py's Server)
  TARGETS+=("$(jq -cn --arg key "$1" --arg lbl "$2" --arg short "$3" --arg url "http://127.0.0.1:$4" \
    --arg pids "$5" --arg secret "$6" --arg limit "$7" --arg heap "$8" --arg workloads "${9:-}" --arg data_of "${10:-}" \
    '{key: $key, label: $lbl, short: $short, url: $url, pids: ($pids | split(" ") | map(tonumber)), limit: $limit,
      heap: $heap}
     + (if $secret == "" then {} else {user: "bench", secret_file: $secret} end)
     + (if $workloads == "" then {} else {workloads: ($workloads | split(" "))} end)
     + (if $data_of == "" then {} else {data_of: $data_of} end)')")
}
DIST_HEAP="pprof http://127.0.0.1:$DIST_DEBUG_PORT"
if [ $CLUSTER -eq 1 ]; then
  REQUESTS="manifest_tag manifest_digest blob_head tag_list"
  target pg "Berth S3+PG" "S3+PG" "$PG1_PORT" "$PG1_PID" "$WORK/pg1-secret" s3 "jcmd $PG1_PID"
  target cluster "Berth 3 nodes + HAProxy" "3 nodes" "$CLUSTER_PORT" "$CLUSTER_NODE_PIDS $CLUSTER_HAPROXY_PID" \
    "$WORK/cluster-secret" s3 "jcmd $CLUSTER_NODE_PIDS"
  target node1 "Berth cluster node 1" "node 1" "${CLUSTER_NODE_PORTS%% *}" "${CLUSTER_NODE_PIDS%% *}" \
    "$WORK/cluster-secret" none "jcmd ${CLUSTER_NODE_PIDS%% *}" "$REQUESTS" cluster
  target berth "Berth fs+H2" "fs" "$BERTH_PORT" "$BERTH_PID" "$WORK/berth-secret" none "jcmd $BERTH_PID" "$REQUESTS"
  target dist "Distribution" "Dist" "$DIST_PORT" "$DIST_PID" "" s3 "$DIST_HEAP"
  RATIOS='[["pg","dist"],["cluster","dist"],["node1","dist"],["node1","berth"],["cluster","berth"]]'
  STORE_PIDS="$S3_TEST_PID $PG_POSTMASTER"
else
  target berth Berth Berth "$BERTH_PORT" "$BERTH_PID" "$WORK/berth-secret" machine "jcmd $BERTH_PID"
  RATIOS='[["berth","dist"]]'
  if [ -n "$REF_PID" ]; then
    target ref "Berth -Xmx512m" Xmx512m "$REF_PORT" "$REF_PID" "$WORK/ref-secret" none "jcmd $REF_PID"
    RATIOS='[["berth","dist"],["berth","ref"],["ref","dist"]]'
  fi
  target dist Distribution Dist "$DIST_PORT" "$DIST_PID" "" machine "$DIST_HEAP"
  STORE_PIDS=""
fi
printf '%s\n' "${TARGETS[@]}" | jq -s --argjson ratios "$RATIOS" --arg store "$STORE_PIDS" \
  '{targets: ., ratios: $ratios, store_pids: ($store | split(" ") | map(select(. != "") | tonumber))}' >"$WORK/targets.json"
BENCH_ARGS=(--targets "$WORK/targets.json"
  --work "$WORK" --scratch "$SCRATCH" --here "$HERE" --info-json "$WORK/info.json"
  --out-md "$RESULTS/$TS.md" --out-json "$RESULTS/$TS.json")
[ $QUICK -eq 1 ] && BENCH_ARGS+=(--quick)
[ -n "$ROUNDS" ] && BENCH_ARGS+=(--rounds "$ROUNDS")
[ $WARMUP -eq 0 ] && BENCH_ARGS+=(--no-warmup)
[ -n "$WARMUP_PASSES" ] && BENCH_ARGS+=(--warmup-passes "$WARMUP_PASSES")
say "measuring (Berth pid $BERTH_PID, ${REF_PID:+Berth -Xmx512m pid $REF_PID, }Distribution pid $DIST_PID${PG1_PID:+, Berth S3+PG pid $PG1_PID, cluster pids ${CLUSTER_NODE_PIDS:-}}, work dir $WORK)"
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
[ -z "$REF_PID" ] || kill -0 "$REF_PID" 2>/dev/null || { echo "run.sh: Berth -Xmx512m died during the run" >&2; exit 1; }
kill -0 "$DIST_PID" 2>/dev/null || { echo "run.sh: Distribution died during the run" >&2; exit 1; }
for pid in $PG1_PID ${CLUSTER_NODE_PIDS:-}; do
  kill -0 "$pid" 2>/dev/null || { echo "run.sh: Berth node pid $pid died during the run" >&2; exit 1; }
done
cp "$RESULTS/$TS.md" "$RESULTS/latest.md"
cp "$RESULTS/$TS.json" "$RESULTS/latest.json"
say "done in $(( $(date +%s) - T0 )) s: $RESULTS/$TS.md (and latest.md)"
