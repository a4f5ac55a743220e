#!/usr/bin/env bash
# The embedded metadata database's file under a stream of small uploads: Berth started by bin/berth, ROUNDS
# rounds of 8,000 uploads of 64 KiB (16 clients), and after each round the uploads per second and the size of
# meta/berth.mv.db; at the end H2's own account of the file (MVStoreTool -info: chunks and how full they are).
# See ../README.md, "Metadata file".
#
#   benchmarks/metafile/run.sh [--jar PATH] [--rounds N]
#
# Run it once per jar to compare (one after the other, on a quiet machine); nothing is kept but what it prints.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="$ROOT/registry-http/target/registry.jar"
ROUNDS=10
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -f "$JAR" ] || { echo "no jar at $JAR: build with mvn -B -q -DskipTests package" >&2; exit 2; }
# shellcheck source=../../scripts/lib-server.sh
. "$ROOT/scripts/lib-server.sh"
WORK="$(mktemp -d "${BENCH_WORK_PARENT:-/var/tmp}/berth-metafile.XXXXXX")"
TOKEN="$(berth_random_token)"
cleanup() { berth_stop 20 >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT

berth_start "$JAR" "$WORK/data" "$WORK/log" "$TOKEN" >/dev/null
PORT="$BERTH_PORT"
# The uploads go to "library", the registry every new data directory starts with.
SECRET="$(berth_create_user "$PORT" "$TOKEN" metafile push)"

echo "jar $JAR"
for round in $(seq "$ROUNDS"); do
  rate="$(python3 "$HERE/uploads.py" "http://127.0.0.1:$PORT" metafile "$SECRET" 8000)"
  size=$(( $(stat -c %s "$WORK/data/meta/berth.mv.db") / 1048576 ))
  echo "round $round: $rate uploads/s, meta/berth.mv.db $size MiB"
done
H2="$(find ~/.m2/repository/com/h2database/h2 -name 'h2-*.jar' | sort | tail -1)"
cp "$WORK/data/meta/berth.mv.db" "$WORK/copy.mv.db"
java -cp "$H2" org.h2.mvstore.MVStoreTool -info "$WORK/copy.mv.db" 2>&1 | grep -E '^(File length|Chunk count|Chunk fill)'
if grep -E 'WARNING|SEVERE|ERROR|Exception' "$WORK/log" > /dev/null; then
  echo "Berth's log has warnings:"; grep -E 'WARNING|SEVERE|ERROR|Exception' "$WORK/log" | head -5
fi
