#!/usr/bin/env bash
# Stress run: N concurrent uploads of M MiB (default 32 x 1 GiB, mixed monolithic / chunked / streamed)
# against Berth started with -Xmx256m; every digest verified; the server's heap after a full GC must
# not grow by more than a slack over the run. See README.md in this folder.
#
#   benchmarks/stress/run.sh                     # 32 x 1 GiB
#   benchmarks/stress/run.sh --count 6 --mib 64  # smoke run
#
# Options of this script (everything else is passed to ConcurrentUploads.java):
#   --xmx SIZE        server heap (default 256m)
#   --slack-mib N     allowed heap growth after full GC (default 16)
#   --keep            keep the work directory (blobs!) and server log
# Environment: STRESS_WORK_PARENT (default /var/tmp) is where the work directory goes.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
JAR_SRC="$REPO/registry-http/target/registry.jar"

XMX=256m
SLACK_MIB=16
KEEP=0
COUNT=32
MIB=1024
CLIENT_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --xmx) XMX="$2"; shift 2 ;;
        --slack-mib) SLACK_MIB="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --count) COUNT="$2"; CLIENT_ARGS+=("$1" "$2"); shift 2 ;;
        --mib) MIB="$2"; CLIENT_ARGS+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) CLIENT_ARGS+=("$1"); shift ;;
    esac
done

log() { printf '[stress %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

for tool in java jcmd getconf df curl; do
    command -v "$tool" >/dev/null || die "$tool not found on PATH"
done

# ---- the jar ----
if [ ! -f "$JAR_SRC" ]; then
    log "registry.jar missing: building with mvn -B -q -DskipTests package"
    (cd "$REPO" && mvn -B -q -DskipTests package) || die "build failed"
fi
[ -f "$JAR_SRC" ] || die "no $JAR_SRC after the build"

# ---- disk space: the blobs of all uploads plus 2 GiB ----
PARENT="${STRESS_WORK_PARENT:-/var/tmp}"
mkdir -p "$PARENT"
NEED_MIB=$(( COUNT * MIB + 2048 ))
AVAIL_MIB=$(df -Pm "$PARENT" | awk 'NR==2 {print $4}')
log "free space on $(df -P "$PARENT" | awk 'NR==2 {print $1" ("$6")"}'): ${AVAIL_MIB} MiB, needed: ${NEED_MIB} MiB"
if [ "$AVAIL_MIB" -lt "$NEED_MIB" ]; then
    die "not enough free space under $PARENT: ${AVAIL_MIB} MiB free, ${NEED_MIB} MiB needed (${COUNT} x ${MIB} MiB + 2 GiB). Set STRESS_WORK_PARENT to a larger filesystem."
fi

WORK="$(mktemp -d "$PARENT/berth-stress.XXXXXX")"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
    local rc=$?
    if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; fi
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        log "stopping server (SIGTERM to $SERVER_PID)"
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server still running after 30 s: SIGKILL"
            kill -KILL "$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK"
        log "deleted $WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$JAR_SRC" "$WORK/registry.jar"
mkdir -p "$WORK/data"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || true)"
if [ -z "$PORT" ]; then
    # no python3: pick a port from the ephemeral range that nothing listens on
    for _ in $(seq 1 50); do
        p=$(( 20000 + RANDOM % 20000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
    done
fi
[ -n "$PORT" ] || die "no free port found"

TOKEN="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
BASE="http://127.0.0.1:$PORT"

log "starting Berth: java -Xmx$XMX -jar registry.jar --port $PORT --bind 127.0.0.1 --data-dir $WORK/data"
(cd "$WORK" && REGISTRY_ADMIN_TOKEN="$TOKEN" exec java "-Xmx$XMX" -jar registry.jar \
    --port "$PORT" --bind 127.0.0.1 --data-dir "$WORK/data" >"$WORK/server.log" 2>&1) &
SERVER_PID=$!

up=0
for _ in $(seq 1 120); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 50 "$WORK/server.log" >&2; die "server exited during start"; }
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$BASE/v2/" || true)"
    if [ "$code" = 401 ]; then up=1; break; fi
    sleep 0.5
done
[ "$up" = 1 ] || { tail -n 50 "$WORK/server.log" >&2; die "server did not answer 401 on /v2/ within 60 s"; }
log "server up: pid $SERVER_PID, $BASE"

heap_used_kib() {
    jcmd "$SERVER_PID" GC.run >/dev/null || return 1
    jcmd "$SERVER_PID" GC.heap_info | tee -a "$WORK/heap_info.txt" | grep -o 'used [0-9]*K' | head -n 1 | tr -dc '0-9'
}

HEAP_BEFORE="$(heap_used_kib)" || die "jcmd failed on pid $SERVER_PID"
[ -n "$HEAP_BEFORE" ] || die "could not parse GC.heap_info"
log "heap after full GC, before the uploads: ${HEAP_BEFORE} KiB"

# progress on stderr every 15 s: server RSS, CPU, bytes on disk (to tell a slow run from a hang)
TCK="$(getconf CLK_TCK)"
(
    t0=$(date +%s)
    while sleep 15; do
        kill -0 "$SERVER_PID" 2>/dev/null || { log "progress: server process is gone"; break; }
        rss=$(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo '?')
        cpu=$(awk -v t="$TCK" '{sub(/^.*\) /, ""); printf "%.1f", ($12+$13)/t}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo '?')
        disk=$(du -sm "$WORK/data" 2>/dev/null | cut -f1)
        log "progress: +$(( $(date +%s) - t0 )) s, server RSS ${rss} MiB, CPU ${cpu} s total, data dir ${disk} MiB"
    done
) &
SAMPLER_PID=$!

CLIENT_RC=0
java -Xmx1g -XX:+UseParallelGC "$HERE/ConcurrentUploads.java" \
    --url "$BASE" --token "$TOKEN" --server-pid "$SERVER_PID" "${CLIENT_ARGS[@]}" \
    | tee "$WORK/client.out" || CLIENT_RC=$?

kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""

SERVER_ALIVE=1
kill -0 "$SERVER_PID" 2>/dev/null || SERVER_ALIVE=0
HEAP_AFTER=""
if [ "$SERVER_ALIVE" = 1 ]; then
    HEAP_AFTER="$(heap_used_kib)" || HEAP_AFTER=""
fi

echo
echo "=== summary ==="
echo "server: java -Xmx$XMX, pid $SERVER_PID, alive after the run: $([ "$SERVER_ALIVE" = 1 ] && echo yes || echo NO)"
FAIL=0
if [ "$CLIENT_RC" != 0 ]; then
    echo "client: FAILED (exit code $CLIENT_RC): $(grep '^RESULT' "$WORK/client.out" || echo 'no RESULT line')"
    FAIL=1
else
    echo "client: all uploads completed and verified ($(grep '^RESULT' "$WORK/client.out"))"
fi
if [ -n "$HEAP_AFTER" ]; then
    DIFF=$(( HEAP_AFTER - HEAP_BEFORE ))
    printf 'heap used after full GC: before %d KiB (%.1f MiB), after %d KiB (%.1f MiB), difference %+d KiB, allowed slack %d MiB\n' \
        "$HEAP_BEFORE" "$(awk "BEGIN{print $HEAP_BEFORE/1024}")" "$HEAP_AFTER" "$(awk "BEGIN{print $HEAP_AFTER/1024}")" "$DIFF" "$SLACK_MIB"
    if [ "$HEAP_AFTER" -gt $(( HEAP_BEFORE + SLACK_MIB * 1024 )) ]; then
        echo "heap: FAILED (grew by more than ${SLACK_MIB} MiB)"
        FAIL=1
    else
        echo "heap: ok"
    fi
else
    echo "heap: FAILED (could not measure after the run)"
    FAIL=1
fi
if grep -qiE 'OutOfMemoryError|Exception|ERROR' "$WORK/server.log"; then
    echo "server log: contains errors/exceptions ($(grep -ciE 'OutOfMemoryError|Exception|ERROR' "$WORK/server.log") lines), last 40 lines:"
    tail -n 40 "$WORK/server.log" | sed 's/^/  | /'
else
    echo "server log: $(wc -l <"$WORK/server.log") lines, no errors"
fi
if [ "$FAIL" != 0 ]; then
    echo "RESULT: FAIL"
    exit 1
fi
echo "RESULT: PASS"
