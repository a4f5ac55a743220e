#!/usr/bin/env bash
# Stress run: N concurrent uploads of M MiB (default 32 x 1 GiB, mixed monolithic / chunked / streamed)
# against Berth started as the README starts it (bin/berth, --memory 256m by default); every digest
# verified; the server must neither die nor log an OutOfMemoryError, and its heap after a full GC must not
# grow by more than a slack over the run. The summary gives its peak RSS beside the heap. See README.md.
#
#   benchmarks/stress/run.sh                     # 32 x 1 GiB
#   benchmarks/stress/run.sh --count 6 --mib 64  # smoke run
#
# Options of this script (everything else is passed to ConcurrentUploads.java):
#   --memory SIZE     start the server with bin/berth --memory SIZE (default: bin/berth's own, 256m)
#   --xmx SIZE        start it the old way instead, java -XmxSIZE -jar registry.jar
#   --slack-mib N     allowed heap growth after full GC (default 16)
#   --keep            keep the work directory (blobs!) and server log
# Environment: STRESS_WORK_PARENT (default /var/tmp) is where the work directory goes.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
JAR_SRC="$REPO/registry-http/target/registry.jar"

MEMORY=""
XMX=""
SLACK_MIB=16
KEEP=0
COUNT=32
MIB=1024
CLIENT_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --memory) MEMORY="$2"; shift 2 ;;
        --xmx) XMX="$2"; shift 2 ;;
        --slack-mib) SLACK_MIB="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        --count) COUNT="$2"; CLIENT_ARGS+=("$1" "$2"); shift 2 ;;
        --mib) MIB="$2"; CLIENT_ARGS+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) CLIENT_ARGS+=("$1"); shift ;;
    esac
done

log() { printf '[stress %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 2; }

[ -z "$MEMORY" ] || [ -z "$XMX" ] || die "--memory and --xmx are two ways to start the server: give one"

for tool in java jcmd getconf df curl python3; do
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

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
[ -n "$PORT" ] || die "no free port found"

TOKEN="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
BASE="http://127.0.0.1:$PORT"

if [ -n "$XMX" ]; then
    SERVER=(java "-Xmx$XMX" -jar registry.jar)
else
    export BERTH_JAR="$WORK/registry.jar"
    SERVER=("$REPO/bin/berth")
    [ -z "$MEMORY" ] || SERVER+=(--memory "$MEMORY")
fi
log "starting Berth: ${SERVER[*]} --port $PORT --bind 127.0.0.1 --data-dir $WORK/data"
# exec, and bin/berth execs java: SERVER_PID is the JVM's
(cd "$WORK" && REGISTRY_ADMIN_TOKEN="$TOKEN" exec "${SERVER[@]}" \
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

# the load benchmark's reading: jcmd GC.run, then GC.heap_info's used figures summed over the generations
heap_used_kib() {
    python3 - "$HERE/../load" "$SERVER_PID" "$WORK/heap_info.txt" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import bench
heap = bench.jvm_heap_after_gc(int(sys.argv[2]))
with open(sys.argv[3], "a") as f:
    f.write(heap["text"])
print(heap["used_kb"])
EOF
}

HEAP_BEFORE="$(heap_used_kib)" || die "jcmd failed on pid $SERVER_PID"
[ -n "$HEAP_BEFORE" ] || die "could not parse GC.heap_info"
log "heap after full GC, before the uploads: ${HEAP_BEFORE} KiB"

# The server's peak RSS (VmHWM) every second into a file, so that a server that dies still leaves its last
# figure; progress on stderr every 15 s: RSS, CPU, bytes on disk (to tell a slow run from a hang).
TCK="$(getconf CLK_TCK)"
(
    t0=$(date +%s)
    i=0
    while sleep 1; do
        kill -0 "$SERVER_PID" 2>/dev/null || { log "progress: server process is gone"; break; }
        awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status" >"$WORK/peak_rss_kb.new" 2>/dev/null \
            && mv "$WORK/peak_rss_kb.new" "$WORK/peak_rss_kb"
        i=$(( i + 1 ))
        [ $(( i % 15 )) -eq 0 ] || continue
        rss=$(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo '?')
        peak=$(awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo '?')
        cpu=$(awk -v t="$TCK" '{sub(/^.*\) /, ""); printf "%.1f", ($12+$13)/t}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo '?')
        disk=$(du -sm "$WORK/data" 2>/dev/null | cut -f1)
        log "progress: +$(( $(date +%s) - t0 )) s, server RSS ${rss} MiB, peak ${peak} MiB, CPU ${cpu} s total, data dir ${disk} MiB"
    done
) &
SAMPLER_PID=$!

CLIENT_RC=0
java -Xmx1g -XX:+UseParallelGC "$HERE/ConcurrentUploads.java" \
    --url "$BASE" --token "$TOKEN" --server-pid "$SERVER_PID" "${CLIENT_ARGS[@]}" \
    | tee "$WORK/client.out" || CLIENT_RC=$?

kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=""

SERVER_ALIVE=1 SERVER_RC=""
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    SERVER_ALIVE=0
    wait "$SERVER_PID" || SERVER_RC=$?
fi
HEAP_AFTER=""
if [ "$SERVER_ALIVE" = 1 ]; then
    # before the collection, which is not part of the run
    PEAK_KB="$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")"
    PEAK_NOTE="VmHWM, the server's whole life"
    HEAP_AFTER="$(heap_used_kib)" || HEAP_AFTER=""
else
    PEAK_KB="$(cat "$WORK/peak_rss_kb" 2>/dev/null || true)"
    PEAK_NOTE="VmHWM read within a second of the server's end: at least this"
fi
# The server's log without the warning Berth gives when started with java -Xmx (--xmx): it names the option
# -XX:+ExitOnOutOfMemoryError, which is no error.
server_log() { grep -v '^berth: the JVM' "$WORK/server.log" || true; }
# Netty's OutOfDirectMemoryError is an OutOfMemoryError too
OOM="$(server_log | grep -cE 'OutOfMemoryError|OutOfDirectMemoryError' || true)"
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

echo
echo "=== summary ==="
echo "server: ${SERVER[*]}, pid $SERVER_PID; $(grep -m1 '^Berth memory' "$WORK/server.log" || echo 'no budget line in its log')"
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
ERROR_LINES="$(server_log | grep -ciE 'OutOfMemoryError|Exception|ERROR' || true)"
if [ "$ERROR_LINES" -gt 0 ]; then
    echo "server log: contains errors/exceptions ($ERROR_LINES lines), last 40 lines:"
    tail -n 40 "$WORK/server.log" | sed 's/^/  | /'
else
    echo "server log: $(wc -l <"$WORK/server.log") lines, no errors"
fi
if [ "$SERVER_ALIVE" = 1 ]; then
    FATE="the server stayed up"
else
    FATE="the server DIED${SERVER_RC:+ (exit status $SERVER_RC)}"
    FAIL=1
fi
if [ "${OOM:-0}" -gt 0 ]; then
    FATE="$FATE, OutOfMemoryError in its log ($OOM lines)"
    FAIL=1
else
    FATE="$FATE, no OutOfMemoryError"
fi
PEAK_TEXT="unknown" HEAP_AFTER_TEXT="not measured"
[ -z "$PEAK_KB" ] || PEAK_TEXT="$(mib "$PEAK_KB")"
[ -z "$HEAP_AFTER" ] || HEAP_AFTER_TEXT="$(mib "$HEAP_AFTER")"
echo "memory: peak RSS $PEAK_TEXT ($PEAK_NOTE); heap after full GC $(mib "$HEAP_BEFORE") before the uploads, $HEAP_AFTER_TEXT after; $FATE"
if [ "$FAIL" != 0 ]; then
    echo "RESULT: FAIL"
    exit 1
fi
echo "RESULT: PASS"
