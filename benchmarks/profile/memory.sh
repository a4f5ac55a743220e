#!/usr/bin/env bash
# Memory profile of Berth: where the bytes it allocates go, during a flood of manifest GETs and during small
# uploads, from JFR's allocation sampling.
#
#   benchmarks/profile/memory.sh [--manifest-passes N] [--small-passes N] [--warmup N] [--memory SIZE] [--no-build]
#
#   --manifest-passes N  recorded passes of 10 s of manifest GETs by tag, wrk with 32 connections (default 2)
#   --small-passes N     recorded passes of 500 uploads of 64 KiB, 16 at a time, POST + PUT ?digest= (default 4:
#                        500 last about a second, and JFR takes at most 300 samples a second)
#   --warmup N           passes of each workload before its recording, for the JIT (default 2; small uploads 4N)
#   --memory SIZE        Berth's budget, bin/berth's --memory (default its own, 256m)
#   --no-build           use registry-http/target/registry.jar as it is
#
# Starts Berth as the README does (bin/berth; a fresh data directory under /var/tmp, a repository user with push)
# with a JFR recording from its start: a sample's weight is what its thread allocated since its previous sample,
# so the threads must be sampled before the recordings that are read, or their first samples carry everything
# allocated since the thread began. Then, for each workload (the clients of ../load, through profile.py): a
# warm-up, a recording of its own (jcmd JFR.start, settings=profile: up to 300 allocation samples a second)
# while it runs, and profile.py's summary of it. Writes results/memory-<UTC time>.md (kept in git) and
# results/memory-<UTC time>-<workload>.jfr (not kept; JDK Mission Control opens them).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MANIFEST_PASSES=2 SMALL_PASSES=4 WARM=2 BUILD=1
while [ $# -gt 0 ]; do
  case "$1" in
    --manifest-passes) MANIFEST_PASSES="$2"; shift ;;
    --small-passes) SMALL_PASSES="$2"; shift ;;
    --warmup) WARM="$2"; shift ;;
    --memory) export REGISTRY_MEMORY="$2"; shift ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "memory.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "[memory $(date +%H:%M:%S)] $*" >&2; }

for tool in java jcmd jfr mvn curl jq python3 wrk; do
  command -v "$tool" >/dev/null || { echo "memory.sh: needs $tool (benchmarks/load/run.sh installs the rest)" >&2; exit 1; }
done
# shellcheck source=../../scripts/lib-server.sh
. "$ROOT/scripts/lib-server.sh"

WORK="$(mktemp -d /var/tmp/berth-memory.XXXXXX)"
cleanup() {
  berth_stop 20 >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ $BUILD -eq 1 ]; then
  say "building the jar"
  (cd "$ROOT" && mvn -B -q -DskipTests package)
fi
cp "$ROOT/registry-http/target/registry.jar" "$WORK/registry.jar"

TOKEN="$(berth_random_token)"
BERTH_JAVA_OPTS="-XX:StartFlightRecording=settings=profile,name=background,maxage=1m \
-XX:FlightRecorderOptions:repository=$WORK/jfr" \
  berth_start "$WORK/registry.jar" "$WORK/data" "$WORK/berth.log" "$TOKEN" || exit 1
PID="$BERTH_PID" URL="http://127.0.0.1:$BERTH_PORT"
SECRET="$(berth_create_user "$BERTH_PORT" "$TOKEN" profile push)" || exit 1

TS="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$HERE/results"
OUT="$HERE/results/memory-$TS"
cpu_ticks() { awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$PID/stat"; }

# profile WORKLOAD TITLE PASSES WARM-UP UNIT: warms up, records PASSES passes, writes a section of the summary
profile() {
  local workload="$1" title="$2" passes="$3" warm="$4" unit="$5" moved cpu0 cpu1
  say "$title: warm-up, $warm pass(es)"
  python3 "$HERE/profile.py" drive "$workload" "$URL" profile "$SECRET" "$warm" "$WORK/$workload.state" >/dev/null
  say "$title: recording $passes pass(es)"
  echo 5 >"/proc/$PID/clear_refs"  # VmHWM from here on
  jcmd "$PID" JFR.start name="$workload" settings=profile >/dev/null
  cpu0="$(cpu_ticks)"
  moved="$(python3 "$HERE/profile.py" drive "$workload" "$URL" profile "$SECRET" "$passes" "$WORK/$workload.state")"
  cpu1="$(cpu_ticks)"
  jcmd "$PID" JFR.stop name="$workload" filename="$OUT-$workload.jfr" >/dev/null
  echo "## $title"
  echo
  echo "Measured: $moved; server CPU (utime + stime) $(awk -v a="$cpu0" -v b="$cpu1" -v t="$(getconf CLK_TCK)" \
    'BEGIN {printf "%.2f", (b - a) / t}') s; peak RSS during the recording $(awk '/^VmHWM:/ {printf "%.0f", $2 / 1024}' \
    "/proc/$PID/status") MiB (VmHWM, reset at its start)."
  echo
  python3 "$HERE/profile.py" allocations "$OUT-$workload.jfr" "${moved%% *}" "$unit"
  echo
}

{
  echo "# Memory profile of Berth: manifest GET flood and small uploads"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown),"\
       "$(nproc) CPUs, $(uname -r), $(java -version 2>&1 | head -1). Berth started by bin/berth: $(grep -m1 '^Berth memory' "$WORK/berth.log");"\
       "JVM options \`$(berth_jvm_options "$PID")\`. JFR allocation sampling (settings=profile) from the JVM's start;"\
       "each workload's recording of its own. \`benchmarks/profile/memory.sh\` (see benchmarks/README.md, \"Memory profile\")."
  echo
  echo "Shares: of the allocation samples' weights. MB: that share of what the threads' allocation counters add up to"\
       "(MB = 10^6 bytes). The nearest Berth frame: the first \`dev.berth\` frame from the allocating one down the stack."
  echo
  profile manifest "Manifest GET flood" "$MANIFEST_PASSES" "$WARM" request
  profile small "Small uploads" "$SMALL_PASSES" $((4 * WARM)) upload
} | tee "$OUT.md"
say "wrote $OUT.md and $OUT-manifest.jfr, $OUT-small.jfr"
