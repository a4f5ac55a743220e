# shellcheck shell=bash
# Helpers to run registry.jar as a child process on a free loopback port, started by bin/berth as the README
# starts it (the JVM bounded by --memory, REGISTRY_MEMORY, default 256m).
# Source it; it sets no shell options of its own.
#
#   berth_random_token                 -> prints a random hex token
#   berth_free_port                    -> prints a loopback TCP port nobody listens on
#   berth_start JAR DATADIR LOG TOKEN  -> starts the server and waits until /v2/ answers
#                                         200 or 401; sets BERTH_PID and BERTH_PORT.
#                                         Returns non-zero (and prints the log tail) on failure.
#   berth_stop [TIMEOUT]               -> SIGTERM, wait up to TIMEOUT s (default 20), then SIGKILL.
#                                         Returns 0 if it exited on SIGTERM in time.
#   berth_jvm_options PID              -> prints the JVM options of a running java (its command line
#                                         between the program and -jar)
#   berth_create_user PORT TOKEN NAME ACCESS
#                                      -> creates the repository user NAME (no expiry) with ACCESS (pull, push,
#                                         ...) on registry library through the management API, with the admin
#                                         TOKEN; prints its secret. Returns non-zero (and prints the answer) on
#                                         failure.
#
# Environment: JAVA_HOME picks the JVM (default: java on the PATH); BERTH_JAVA_OPTS extra JVM options;
# BERTH_READY_TIMEOUT seconds to wait for readiness (default 60); BERTH_NODE_HOST, when set, gives the server
# REGISTRY_NODE_ADDRESS=BERTH_NODE_HOST:PORT (the address the other nodes of a cluster reach it at; lib-cluster.sh).

# shellcheck disable=SC2034  # read by the scripts that source this file
BERTH_PID=""
BERTH_PORT=""
BERTH_LAUNCHER="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin/berth"

berth_random_token() {
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# true if something accepts TCP connections on 127.0.0.1:$1
berth_port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Ports below the kernel's ephemeral range, which outgoing connections (curl's probes, the clients of an
# earlier stage) take their local ports from: a port picked inside it can be taken between the pick and the bind.
berth_free_port() {
  local p i low
  low="$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
  [ "${low:-0}" -gt 11000 ] 2>/dev/null || low=32768
  for i in $(seq 1 50); do
    p=$(( 10000 + RANDOM % (low - 10000) ))
    if ! berth_port_in_use "$p"; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

berth_create_user() {
  local port="$1" token="$2" name="$3" access="$4" json secret
  json="$(curl -sS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "http://127.0.0.1:$port/api/v1/users" \
    -d "{\"name\":\"$name\",\"duration_days\":-1,\"permissions\":[{\"registry\":\"library\",\"access\":\"$access\"}]}")"
  secret="$(jq -r '.secret // empty' <<<"$json")"
  [ -n "$secret" ] || { echo "berth_create_user: could not create $name on port $port: $json" >&2; return 1; }
  echo "$secret"
}

# berth_wait_ready PORT PID TIMEOUT
berth_wait_ready() {
  local port="$1" pid="$2" timeout="$3" code deadline
  deadline=$(( $(date +%s) + timeout ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      return 2
    fi
    code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/v2/" 2>/dev/null || true)"
    if [ "$code" = "200" ] || [ "$code" = "401" ]; then
      return 0
    fi
    sleep 0.25
  done
  return 1
}

berth_start() {
  local jar="$1" datadir="$2" log="$3" token="$4" attempt rc port
  if [ ! -f "$jar" ]; then
    echo "berth_start: jar not found: $jar" >&2
    return 1
  fi
  mkdir -p "$datadir"
  for attempt in 1 2 3; do
    port="$(berth_free_port)" || { echo "berth_start: no free port" >&2; return 1; }
    echo "berth_start: starting $jar on 127.0.0.1:$port (data dir $datadir, log $log)" >&2
    # a variable of this function only, exported to the server
    [ -z "${BERTH_NODE_HOST:-}" ] || local -x REGISTRY_NODE_ADDRESS="$BERTH_NODE_HOST:$port"
    REGISTRY_ADMIN_TOKEN="$token" BERTH_JAR="$jar" \
      "$BERTH_LAUNCHER" --port "$port" --bind 127.0.0.1 --data-dir "$datadir" \
      >>"$log" 2>&1 </dev/null &
    BERTH_PID=$!
    BERTH_PORT="$port"
    berth_wait_ready "$port" "$BERTH_PID" "${BERTH_READY_TIMEOUT:-60}"
    rc=$?
    if [ $rc -eq 0 ]; then
      echo "berth_start: ready on port $port (pid $BERTH_PID)" >&2
      return 0
    fi
    if [ $rc -eq 2 ]; then
      wait "$BERTH_PID" 2>/dev/null
      echo "berth_start: server exited during startup (attempt $attempt, exit $?); log tail:" >&2
      tail -n 30 "$log" | sed 's/^/  | /' >&2
      BERTH_PID=""
      # a port taken in between is worth another try; anything else will repeat
      if berth_port_in_use "$port" || tail -n 30 "$log" | grep -q "Address already in use"; then continue; fi
      return 1
    fi
    echo "berth_start: not ready after ${BERTH_READY_TIMEOUT:-60}s; log tail:" >&2
    tail -n 30 "$log" | sed 's/^/  | /' >&2
    berth_stop 5 >/dev/null 2>&1
    return 1
  done
  return 1
}

berth_stop() {
  local timeout="${1:-20}"
  [ -n "$BERTH_PID" ] || return 0
  if ! kill -0 "$BERTH_PID" 2>/dev/null; then
    wait "$BERTH_PID" 2>/dev/null
    BERTH_PID=""
    return 1
  fi
  kill -TERM "$BERTH_PID" 2>/dev/null
  for _ in $(seq 1 $(( timeout * 4 ))); do
    if ! kill -0 "$BERTH_PID" 2>/dev/null; then
      wait "$BERTH_PID" 2>/dev/null
      BERTH_PID=""
      return 0
    fi
    sleep 0.25
  done
  echo "berth_stop: pid $BERTH_PID still alive ${timeout}s after SIGTERM; sending SIGKILL" >&2
  kill -KILL "$BERTH_PID" 2>/dev/null
  wait "$BERTH_PID" 2>/dev/null
  BERTH_PID=""
  return 1
}

berth_jvm_options() {
  tr '\0' '\n' <"/proc/$1/cmdline" | sed '1d; /^-jar$/,$d' | paste -sd ' ' -
}
