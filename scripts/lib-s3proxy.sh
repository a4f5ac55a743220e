# shellcheck shell=bash
# A throw-away S3-compatible server for scripts (CI's e2e and conformance runs with blobs in S3): S3Proxy, run as
# its own process from the jar the Maven build copies (storage-s3/target/s3proxy/s3proxy.jar; S3PROXY_JAR
# overrides), the same way the Java tests start theirs (storage-s3 S3ProxyServer). Source it after lib-server.sh
# (it uses berth_free_port); it sets no shell options of its own. Needs java and curl (7.75+, for --aws-sigv4).
#
#   s3_test_start  -> starts S3Proxy (filesystem-nio2 backend in a new temporary directory) on a free loopback
#                     port and creates bucket berth; exports the server's settings for a Berth started after it:
#                     REGISTRY_BLOB_STORE=s3, REGISTRY_S3_ENDPOINT, REGISTRY_S3_BUCKET, REGISTRY_S3_PATH_STYLE,
#                     AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
#   s3_test_bucket NAME -> creates one more bucket on it.
#   s3_test_distribution_storage BUCKET -> prints the storage section of a CNCF Distribution 2.8 config for BUCKET
#                     on it (its s3 driver, redirects off, so that it serves blobs through itself as Berth does).
#   s3_test_stop   -> stops it, removes the directory and unsets those variables.

S3_TEST_DIR=""
S3_TEST_PID=""
S3_TEST_ENDPOINT=""
S3_TEST_JAR_DEFAULT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/storage-s3/target/s3proxy/s3proxy.jar"

s3_test_start() {
  local jar="${S3PROXY_JAR:-$S3_TEST_JAR_DEFAULT}" dir port endpoint i
  [ -f "$jar" ] || { echo "s3_test_start: no S3Proxy jar at $jar (mvn package copies it)" >&2; return 1; }
  port="$(berth_free_port)" || return 1
  dir="$(mktemp -d "${TMPDIR:-/tmp}/berth-s3.XXXXXX")"
  mkdir -p "$dir/data"
  endpoint="http://127.0.0.1:$port"
  cat >"$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=$endpoint
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=berth-test
s3proxy.credential=berth-test-secret
jclouds.provider=filesystem-nio2
jclouds.identity=berth-test
jclouds.credential=berth-test-secret
jclouds.filesystem.basedir=$dir/data
CONF
  java -jar "$jar" --properties "$dir/s3proxy.conf" >"$dir/s3proxy.log" 2>&1 &
  S3_TEST_PID=$!
  S3_TEST_DIR="$dir"
  for i in $(seq 1 600); do
    curl -s -o /dev/null "$endpoint/" && break
    kill -0 "$S3_TEST_PID" 2>/dev/null || break
    sleep 0.1
  done
  S3_TEST_ENDPOINT="$endpoint"
  if ! s3_test_bucket berth; then
    echo "s3_test_start: S3Proxy did not start or refused the bucket; its log:" >&2
    tail -n 20 "$dir/s3proxy.log" >&2
    s3_test_stop
    return 1
  fi
  export REGISTRY_BLOB_STORE=s3 REGISTRY_S3_ENDPOINT="$endpoint" REGISTRY_S3_BUCKET=berth REGISTRY_S3_PATH_STYLE=true
  export AWS_ACCESS_KEY_ID=berth-test AWS_SECRET_ACCESS_KEY=berth-test-secret
  echo "s3_test_start: S3Proxy on $endpoint, bucket berth (data in $dir/data)" >&2
}

s3_test_distribution_storage() {
  cat <<YAML
  s3:
    accesskey: $AWS_ACCESS_KEY_ID
    secretkey: $AWS_SECRET_ACCESS_KEY
    region: us-east-1
    regionendpoint: $S3_TEST_ENDPOINT
    bucket: $1
    secure: false
    v4auth: true
  redirect:
    disable: true
YAML
}

s3_test_bucket() {
  # S3Proxy needs the payload hash header, which curl before 8.x does not add by itself.
  curl -sf -o /dev/null -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user berth-test:berth-test-secret \
    -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "$S3_TEST_ENDPOINT/$1"
}

s3_test_stop() {
  unset REGISTRY_BLOB_STORE REGISTRY_S3_ENDPOINT REGISTRY_S3_BUCKET REGISTRY_S3_PATH_STYLE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  if [ -n "$S3_TEST_PID" ]; then
    # Its exit status is the signal's: not a failure of the caller (which may run under set -e).
    kill "$S3_TEST_PID" 2>/dev/null || true
    wait "$S3_TEST_PID" 2>/dev/null || true
  fi
  [ -z "$S3_TEST_DIR" ] || rm -rf "$S3_TEST_DIR"
  S3_TEST_PID=""
  S3_TEST_DIR=""
  S3_TEST_ENDPOINT=""
}
