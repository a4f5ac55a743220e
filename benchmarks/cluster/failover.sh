#!/usr/bin/env bash
# The cost of an upload's failover in a cluster: three Berth nodes on PostgreSQL + S3Proxy behind HAProxy
# (scripts/lib-cluster.sh), a chunked upload of a blob through the balancer (16 MiB PATCHes), then the same with
# the node that holds its session killed (kill -9) once half of it is sent; the client starts the blob again, as
# docker and containers/image do. A fresh cluster per round. See README.md.
#
#   benchmarks/cluster/failover.sh [--jar PATH] [--rounds N] [--size-mib N]
#
# Prints each round's JSON line and a summary; writes results/<UTC time>.md. Needs what lib-cluster.sh needs
# (PostgreSQL, haproxy, the S3Proxy jar that `mvn package` copies) and python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/benchmarks/cluster"
JAR="$ROOT/registry-http/target/registry.jar"
ROUNDS=3
SIZE_MIB=256
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift ;;
    --rounds) ROUNDS="$2"; shift ;;
    --size-mib) SIZE_MIB="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
# shellcheck source=../../scripts/lib-server.sh
. "$ROOT/scripts/lib-server.sh"
# shellcheck source=../../scripts/lib-postgres.sh
. "$ROOT/scripts/lib-postgres.sh"
# shellcheck source=../../scripts/lib-s3proxy.sh
. "$ROOT/scripts/lib-s3proxy.sh"
# shellcheck source=../../scripts/lib-cluster.sh
. "$ROOT/scripts/lib-cluster.sh"

WORK="$(mktemp -d "${BENCH_WORK_PARENT:-/var/tmp}/berth-failover.XXXXXX")"
trap 'cluster_stop 5 >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/first"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/second"
: >"$WORK/rounds.jsonl"
for round in $(seq 1 "$ROUNDS"); do
  token="$(berth_random_token)"
  rm -rf "$WORK/cluster"
  mkdir -p "$WORK/cluster"
  BERTH_HAPROXY_LOG=errors cluster_start "$JAR" "$WORK/cluster" "$WORK/round$round" "$token" >/dev/null
  python3 "$HERE/failover.py" --port "$CLUSTER_PORT" --token "$token" --blobs "$WORK/first" "$WORK/second" \
    --basedir "$WORK/cluster" --pids "$CLUSTER_NODE_PIDS" | tee -a "$WORK/rounds.jsonl"
  cluster_stop 10 >/dev/null || true
done

mkdir -p "$HERE/results"
REPORT="$HERE/results/$(date -u +%Y%m%dT%H%M%SZ).md"
python3 - "$WORK/rounds.jsonl" "$SIZE_MIB" "$(nproc)" "$(git -C "$ROOT" rev-parse --short HEAD)" >"$REPORT" <<'PY'
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
size_mib, cpus, commit = sys.argv[2], sys.argv[3], sys.argv[4]
def median(key, field):
    return statistics.median(r[key][field] for r in rounds)
base, failed = median("baseline", "seconds"), median("failover", "seconds")
sent = median("failover", "bytes_sent") / 2**20
print(f"# Upload failover in a cluster\n\nBerth {commit}; three nodes on PostgreSQL + S3Proxy behind HAProxy, "
      f"{cpus} CPUs shared by all; a chunked upload of {size_mib} MiB through the balancer (16 MiB PATCHes), "
      f"{len(rounds)} rounds (medians).\n")
print("| upload | seconds | MiB sent | attempts |\n|---|---:|---:|---:|")
print(f"| undisturbed | {base:.2f} | {median('baseline', 'bytes_sent') / 2**20:.0f} | 1 |")
print(f"| holder killed half-way, client starts again | {failed:.2f} | {sent:.0f} | "
      f"{median('failover', 'attempts'):.0f} |")
print(f"\nThe failover cost {failed - base:.2f} s ({failed / base:.2f}x the undisturbed upload) and "
      f"{sent - float(size_mib):.0f} MiB sent again.")
PY
cat "$REPORT"
