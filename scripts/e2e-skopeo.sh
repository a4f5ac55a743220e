#!/usr/bin/env bash
# End-to-end check of a Berth registry.jar with a real client (skopeo) and curl.
#
# usage: scripts/e2e-skopeo.sh path/to/registry.jar
#
# Builds small OCI test images locally (scripts/build-test-images.sh), starts the
# server on a free loopback port with a temporary data dir and a random
# REGISTRY_ADMIN_TOKEN, then pushes, inspects, lists, pulls back, re-pushes,
# cross-mounts, deletes, restarts and re-reads, always authenticating as
# admin:<token>. Prints PASS/FAIL per step and ends with
#   e2e: N passed, M failed
# Exit status: 0 only if nothing failed.
#
# Needs: java, skopeo, jq, curl, sha256sum, tar, gzip.
# Environment:
#   E2E_KEEP=1           keep the temp dir (images, server log, skopeo logs) for inspection
#   JAVA_HOME            the JVM bin/berth runs the jar with (default: java on the PATH)
#   BERTH_JAVA_OPTS      extra JVM options
#   BERTH_CLUSTER_NODES  when set, the same checks against a cluster of that many nodes behind HAProxy instead
#                        of one server (scripts/lib-cluster.sh: the nodes share a throw-away PostgreSQL and
#                        S3Proxy unless REGISTRY_METADATA_URL / REGISTRY_BLOB_STORE name others; needs haproxy);
#                        "server" below means the cluster: it starts, stops and restarts as a whole
set -u -o pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 path/to/registry.jar" >&2
  echo "e2e: 0 passed, 1 failed"
  exit 2
fi

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib-server.sh
. "$HERE/lib-server.sh"
if [ -n "${BERTH_CLUSTER_NODES:-}" ]; then
  # shellcheck source=scripts/lib-postgres.sh
  . "$HERE/lib-postgres.sh"
  # shellcheck source=scripts/lib-s3proxy.sh
  . "$HERE/lib-s3proxy.sh"
  # shellcheck source=scripts/lib-cluster.sh
  . "$HERE/lib-cluster.sh"
fi

case "$1" in /*) JAR="$1" ;; *) JAR="$PWD/$1" ;; esac
TMP="$(mktemp -d "${TMPDIR:-/tmp}/berth-e2e.XXXXXX")"
IMG="$TMP/images"
OUTD="$TMP/out"
DATA="$TMP/data"
LOG="$TMP/server.log"
SKLOG="$TMP/skopeo"
mkdir -p "$OUTD" "$SKLOG"
TOKEN="$(berth_random_token)"
CREDS="admin:$TOKEN"
NS=library
START_TS=$(date +%s)

# isolate skopeo from the machine's registry/auth configuration
printf 'unqualified-search-registries = []\n' > "$TMP/registries.conf"
export CONTAINERS_REGISTRIES_CONF="$TMP/registries.conf"

# server_start / server_stop TIMEOUT (the restart keeps the cluster's PostgreSQL and S3Proxy) / server_stop_all
# TIMEOUT; server_logs lists the server's logs (a cluster's: each node's, then HAProxy's, which names the node
# every request went to)
if [ -n "${BERTH_CLUSTER_NODES:-}" ]; then
  server_start() { cluster_start "$JAR" "$DATA" "${LOG%.log}" "$TOKEN"; }
  server_stop() { cluster_stop_nodes "$1"; }
  server_stop_all() { cluster_stop "$1"; }
  server_logs() { printf "%s\n" "${LOG%.log}"-node*.log "${LOG%.log}"-haproxy.log; }
else
  server_start() { berth_start "$JAR" "$DATA" "$LOG" "$TOKEN"; }
  server_stop() { berth_stop "$1"; }
  server_stop_all() { berth_stop "$1"; }
  server_logs() { echo "$LOG"; }
fi

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  server_stop_all 10 >/dev/null 2>&1
  if [ "${E2E_KEEP:-0}" = "1" ]; then
    echo "e2e: kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'echo "e2e: interrupted"; exit 130' INT TERM

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
info() { echo "INFO: $*"; }
detail() { sed 's/^/      | /'; }
# show the non-debug part of a skopeo log (and its error) under a failed step
show_log() { grep -v 'level=debug' "$1" | tail -n "${2:-15}" | detail; }

finish() {
  local rc=0 log
  while IFS= read -r log; do
    if [ -s "$log" ]; then
      local n
      n="$(grep -cE 'Exception|\bERROR\b|SEVERE' "$log" || true)"
      if [ "${n:-0}" -gt 0 ]; then
        info "server log $(basename "$log") has $n line(s) mentioning Exception/ERROR/SEVERE; first ones:"
        grep -E 'Exception|\bERROR\b|SEVERE' "$log" | head -n 10 | cut -c1-300 | detail
      fi
    fi
    if [ "$FAILED" -gt 0 ] && [ -s "$log" ]; then
      echo "---- last 40 lines of the server log ($log) ----"
      tail -n 40 "$log" | cut -c1-400
      echo "----"
    fi
  done < <(server_logs)
  echo "e2e: took $(( $(date +%s) - START_TS ))s"
  echo "e2e: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ] || rc=1
  exit $rc
}

SKOPEO=(env REGISTRY_AUTH_FILE="$TMP/auth.json" skopeo --insecure-policy --command-timeout 180s)
reg() { echo "127.0.0.1:$BERTH_PORT"; }
ref() { echo "docker://$(reg)/$NS/$1"; }
url() { echo "http://127.0.0.1:$BERTH_PORT/v2/$1"; }
CURL=(curl -sS -m 30 -u "$CREDS")

# sk_copy LOGNAME ARGS... : skopeo --debug copy, whole output to $SKLOG/LOGNAME.log
sk_copy() {
  local name="$1"; shift
  "${SKOPEO[@]}" --debug copy "$@" </dev/null >"$SKLOG/$name.log" 2>&1
}
# sk_copy_refused NAME PATTERN WHAT ANSWER ARGS...: a copy that must fail, with PATTERN (grep -i) in its log
sk_copy_refused() {
  local name="$1" pattern="$2" what="$3" answer="$4"; shift 4
  if sk_copy "$name" "$@"; then
    fail "$what succeeded"
  elif grep -qi "$pattern" "$SKLOG/$name.log"; then
    pass "$what is refused ($answer)"
  else
    fail "$what failed, but not with $answer"; show_log "$SKLOG/$name.log"
  fi
}
# counts in a debug copy log
n_uploads() { grep -c 'msg="Uploading /v2/' "$1" || true; }
n_skipped() { grep -c 'msg="Skipping blob ' "$1" || true; }
n_mounted() { grep -c 'msg="... mount OK"' "$1" || true; }

sha_of() { sha256sum "$1" | cut -d' ' -f1 | sed 's/^/sha256:/'; }
S() { jq -r "$1" "$IMG/summary.json"; }   # query the image summary

echo "== e2e-skopeo: jar=$JAR tmp=$TMP"
echo "== $(skopeo --version)"

# ---------------------------------------------------------------- 1. images
if "$HERE/build-test-images.sh" "$IMG" >"$TMP/build.log" 2>&1; then
  pass "build OCI test images (single, multi, index)"
else
  fail "build OCI test images"; tail -n 20 "$TMP/build.log" | detail
  finish
fi
for n in single multi index; do
  if ! "${SKOPEO[@]}" inspect --raw "oci:$IMG/$n" >/dev/null 2>"$TMP/err"; then
    fail "skopeo inspect oci:$IMG/$n"; detail < "$TMP/err"; finish
  fi
done

# ---------------------------------------------------------------- 2. server
if [ ! -f "$JAR" ]; then
  fail "jar exists: $JAR"
  finish
fi
if server_start 2>"$TMP/start.err"; then
  pass "server starts on $(reg) and /v2/ answers $(curl -s -o /dev/null -w '%{http_code}' "$(url '')")"
else
  fail "server starts and becomes ready"; detail < "$TMP/start.err"
  finish
fi
code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url '')")"
if [ "$code" = "200" ]; then
  pass "GET /v2/ with admin credentials -> 200"
else
  fail "GET /v2/ with admin credentials -> 200 (got $code)"
fi
# Basic auth: counted once the server enforces it (401 without credentials), INFO before that
anon="$(curl -s -m 10 -D "$TMP/anon-h" -o /dev/null -w '%{http_code}' "$(url '')")"
wrong="$(curl -s -m 10 -u admin:wrong-token -o /dev/null -w '%{http_code}' "$(url '')")"
if [ "$anon" = 401 ]; then
  challenge="$(grep -i '^www-authenticate:' "$TMP/anon-h" | cut -d: -f2- | tr -d '\r' | sed 's/^ *//')"
  anon_pull="ok"
  "${SKOPEO[@]}" list-tags --tls-verify=false --no-creds "$(ref e2e-none)" >/dev/null 2>&1 && anon_pull="allowed"
  if [ "$wrong" = 401 ] && [[ "$challenge" == [Bb]asic* ]] && [ "$anon_pull" = ok ]; then
    pass "auth enforced: /v2/ without credentials and with a wrong token -> 401, WWW-Authenticate: $challenge"
  else
    fail "auth: anonymous -> $anon, wrong token -> $wrong (expected 401), WWW-Authenticate '$challenge' (expected Basic ...), anonymous skopeo list-tags $anon_pull"
  fi
else
  info "auth not enforced: GET /v2/ without credentials -> $anon, with a wrong token -> $wrong"
fi

# ---------------------------------------------------------------- 3. per image
for n in single multi index; do
  repo="e2e-$n"
  all=(); [ "$n" = index ] && all=(--all)
  want="$(S ".$n.digest")"
  mt="$(S ".$n.mediaType")"

  # push
  if sk_copy "push-$n" "${all[@]}" --dest-tls-verify=false --dest-creds "$CREDS" \
       "oci:$IMG/$n:v1" "$(ref "$repo:v1")"; then
    pass "push $n: skopeo copy ${all[*]:+${all[*]} }oci:…/$n:v1 -> $NS/$repo:v1 ($(n_uploads "$SKLOG/push-$n.log") blob uploads)"
  else
    fail "push $n: skopeo copy ${all[*]:+${all[*]} }oci:…/$n:v1 -> $NS/$repo:v1"; show_log "$SKLOG/push-$n.log"
    continue
  fi

  # inspect --raw: the stored manifest is byte-identical
  if "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref "$repo:v1")" \
       >"$TMP/raw-$n" 2>"$TMP/err"; then
    got="$(sha_of "$TMP/raw-$n")"
    if [ "$got" = "$want" ]; then
      pass "inspect --raw $n: manifest bytes hash to $want"
    else
      fail "inspect --raw $n: manifest digest $got, expected $want"; head -c 600 "$TMP/raw-$n" | detail; echo
    fi
  else
    fail "inspect --raw $n"; detail < "$TMP/err"
  fi

  # inspect (parsed): digest, platform, layers
  if [ "$n" = index ]; then
    exp_layers="$(S '.index.children[0].layers | join(",")')"
  else
    exp_layers="$(S ".$n.layers | join(\",\")")"
  fi
  if "${SKOPEO[@]}" --override-os linux --override-arch amd64 inspect --tls-verify=false --creds "$CREDS" \
       "$(ref "$repo:v1")" >"$TMP/insp-$n" 2>"$TMP/err"; then
    gd="$(jq -r .Digest "$TMP/insp-$n")"; gl="$(jq -r '.Layers | join(",")' "$TMP/insp-$n")"
    ga="$(jq -r '.Os + "/" + .Architecture' "$TMP/insp-$n")"
    if [ "$gd" = "$want" ] && [ "$gl" = "$exp_layers" ] && [ "$ga" = linux/amd64 ]; then
      pass "inspect $n: Digest, linux/amd64 and $(jq '.Layers | length' "$TMP/insp-$n") layer(s) as built"
    else
      fail "inspect $n: got Digest=$gd platform=$ga Layers=$gl; expected $want linux/amd64 $exp_layers"
    fi
  else
    fail "inspect $n"; detail < "$TMP/err"
  fi

  if [ "$n" = index ]; then
    exp_arm="$(S '.index.children[1].layers | join(",")')"
    if "${SKOPEO[@]}" --override-os linux --override-arch arm64 --override-variant v8 inspect --tls-verify=false \
         --creds "$CREDS" "$(ref "$repo:v1")" >"$TMP/insp-arm" 2>"$TMP/err"; then
      gl="$(jq -r '.Layers | join(",")' "$TMP/insp-arm")"; ga="$(jq -r .Architecture "$TMP/insp-arm")"
      if [ "$gl" = "$exp_arm" ] && [ "$ga" = arm64 ]; then
        pass "inspect index as linux/arm64/v8: resolves to the arm64 child"
      else
        fail "inspect index as linux/arm64/v8: got arch=$ga layers=$gl, expected arm64 $exp_arm"
      fi
    else
      fail "inspect index as linux/arm64/v8"; detail < "$TMP/err"
    fi
  fi

  # curl GET + HEAD of the manifest: body digest, Docker-Content-Digest, Content-Type
  accept="application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json"
  code="$("${CURL[@]}" -H "Accept: $accept" -D "$TMP/h-$n" -o "$TMP/body-$n" -w '%{http_code}' "$(url "$NS/$repo/manifests/v1")")"
  hd="$(grep -i '^docker-content-digest:' "$TMP/h-$n" | tail -n1 | cut -d: -f2- | tr -d ' \r')"
  ct="$(grep -i '^content-type:' "$TMP/h-$n" | tail -n1 | cut -d: -f2- | tr -d ' \r' | cut -d';' -f1)"
  bd="$(sha_of "$TMP/body-$n")"
  hcode="$("${CURL[@]}" -I -H "Accept: $accept" -D "$TMP/hh-$n" -o /dev/null -w '%{http_code}' "$(url "$NS/$repo/manifests/v1")")"
  hlen="$(grep -i '^content-length:' "$TMP/hh-$n" | tail -n1 | cut -d: -f2- | tr -d ' \r')"
  if [ "$code" = 200 ] && [ "$bd" = "$want" ] && [ "$hd" = "$want" ] && [ "$ct" = "$mt" ] \
     && [ "$hcode" = 200 ] && [ "$hlen" = "$(stat -c %s "$TMP/body-$n")" ]; then
    pass "curl GET/HEAD $NS/$repo/manifests/v1: 200, body and Docker-Content-Digest = $want, Content-Type $mt"
  else
    fail "curl GET/HEAD $NS/$repo/manifests/v1: GET $code body=$bd header-digest=$hd type=$ct; HEAD $hcode Content-Length=$hlen (expected 200, $want, $mt, $(stat -c %s "$TMP/body-$n" 2>/dev/null))"
  fi

  if [ "$n" = index ]; then
    ok=1; msg=""
    for c in $(S '.index.children[].digest'); do
      code="$("${CURL[@]}" -H "Accept: application/vnd.oci.image.manifest.v1+json" -o "$TMP/child" -w '%{http_code}' "$(url "$NS/$repo/manifests/$c")")"
      if [ "$code" != 200 ] || [ "$(sha_of "$TMP/child")" != "$c" ]; then ok=0; msg="$msg $c->$code"; fi
    done
    if [ $ok = 1 ]; then pass "curl GET index children by digest: both present and intact"
    else fail "curl GET index children by digest:$msg"; fi
  fi

  # list-tags
  if "${SKOPEO[@]}" list-tags --tls-verify=false --creds "$CREDS" "$(ref "$repo")" >"$TMP/tags-$n" 2>"$TMP/err"; then
    if jq -e '.Tags | index("v1") != null' "$TMP/tags-$n" >/dev/null; then
      pass "list-tags $NS/$repo: $(jq -c .Tags "$TMP/tags-$n")"
    else
      fail "list-tags $NS/$repo: v1 missing from $(jq -c . "$TMP/tags-$n")"
    fi
  else
    fail "list-tags $NS/$repo"; detail < "$TMP/err"
  fi

  # pull back into a fresh OCI layout and compare
  rm -rf "${OUTD:?}/$n"
  if sk_copy "pull-$n" "${all[@]}" --src-tls-verify=false --src-creds "$CREDS" \
       "$(ref "$repo:v1")" "oci:$OUTD/$n:v1"; then
    pass "pull $n: skopeo copy ${all[*]:+${all[*]} }$NS/$repo:v1 -> fresh oci: layout"
    got="$(jq -r '.manifests[0].digest' "$OUTD/$n/index.json")"
    problems=""
    [ "$got" = "$want" ] || problems="$problems top-level digest $got != $want;"
    if [ "$n" = index ]; then
      gc="$(jq -r '.manifests[].digest' "$OUTD/$n/blobs/sha256/${got#sha256:}" 2>/dev/null | tr '\n' ' ')"
      ec="$(S '.index.children[].digest' | tr '\n' ' ')"
      [ "$gc" = "$ec" ] || problems="$problems children [$gc] != [$ec];"
    fi
    if ! diff <(ls "$IMG/$n/blobs/sha256") <(ls "$OUTD/$n/blobs/sha256") >"$TMP/blobdiff" 2>&1; then
      problems="$problems blob sets differ: $(tr '\n' ' ' < "$TMP/blobdiff");"
    fi
    for b in "$OUTD/$n"/blobs/sha256/*; do
      [ "$(sha_of "$b")" = "sha256:$(basename "$b")" ] || problems="$problems corrupt blob $(basename "$b");"
    done
    if [ -z "$problems" ]; then
      if [ "$n" = index ]; then
        pass "pulled index: digest $want and child digests match, all $(find "$OUTD/$n/blobs/sha256" -type f | wc -l) blobs identical"
      else
        pass "pulled $n: manifest digest $want matches, all $(find "$OUTD/$n/blobs/sha256" -type f | wc -l) blobs identical"
      fi
    else
      fail "pulled $n differs:$problems"
    fi
  else
    fail "pull $n: skopeo copy $NS/$repo:v1 -> oci:"; show_log "$SKLOG/pull-$n.log"
  fi
done

# ---------------------------------------------------------------- 4. re-push: no blob uploaded again
for n in multi index; do
  repo="e2e-$n"
  all=(); [ "$n" = index ] && all=(--all)
  if sk_copy "repush-$n" "${all[@]}" --dest-tls-verify=false --dest-creds "$CREDS" \
       "oci:$IMG/$n:v1" "$(ref "$repo:v2")"; then
    up="$(n_uploads "$SKLOG/repush-$n.log")"; sk="$(n_skipped "$SKLOG/repush-$n.log")"
    if [ "$up" = 0 ] && [ "$sk" -gt 0 ]; then
      pass "re-push $n as $NS/$repo:v2: $sk layer(s) skipped (already exist), 0 blob uploads"
    else
      fail "re-push $n as $NS/$repo:v2: $up blob upload(s), $sk skipped; expected 0 uploads"
      grep -E 'msg="(Uploading|Skipping|HEAD|\.\.\.)' "$SKLOG/repush-$n.log" | head -n 20 | cut -c1-250 | detail
    fi
  else
    fail "re-push $n as $NS/$repo:v2"; show_log "$SKLOG/repush-$n.log"
  fi
done
if "${SKOPEO[@]}" list-tags --tls-verify=false --creds "$CREDS" "$(ref e2e-multi)" >"$TMP/tags2" 2>"$TMP/err" \
   && [ "$(jq -c '.Tags | sort' "$TMP/tags2")" = '["v1","v2"]' ]; then
  pass "list-tags $NS/e2e-multi: [\"v1\",\"v2\"]"
else
  fail "list-tags $NS/e2e-multi: expected [\"v1\",\"v2\"], got $(jq -c .Tags "$TMP/tags2" 2>/dev/null) $(cat "$TMP/err")"
fi
for n in multi index; do
  d="$("${CURL[@]}" -I -H "Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json" \
       "$(url "$NS/e2e-$n/manifests/v2")" | grep -i '^docker-content-digest:' | cut -d: -f2- | tr -d ' \r')"
  if [ "$d" = "$(S ".$n.digest")" ]; then pass "$NS/e2e-$n:v2 resolves to the same digest as :v1"
  else fail "$NS/e2e-$n:v2 resolves to '$d', expected $(S ".$n.digest")"; fi
done

# ---------------------------------------------------------------- 5. cross-repository mount
if sk_copy "xrepo-multi" --dest-tls-verify=false --dest-creds "$CREDS" \
     "oci:$IMG/multi:v1" "$(ref e2e-multi-copy:v1)"; then
  mo="$(n_mounted "$SKLOG/xrepo-multi.log")"; nl="$(S '.multi.layers | length')"
  if [ "$mo" = "$nl" ]; then
    pass "push multi to $NS/e2e-multi-copy: all $nl layers cross-mounted from $NS/e2e-multi (POST ?mount=&from=), not uploaded"
  else
    fail "push multi to $NS/e2e-multi-copy: $mo of $nl layers cross-mounted; the rest were uploaded again"
    grep -E 'mount|msg="Uploading' "$SKLOG/xrepo-multi.log" | head -n 12 | cut -c1-250 | detail
  fi
else
  fail "push multi to $NS/e2e-multi-copy"; show_log "$SKLOG/xrepo-multi.log"
fi

# ---------------------------------------------------------------- 5b. Docker schema 2 manifest
# what `docker push` sends: skopeo converts the OCI image to a Docker v2 schema 2 manifest
DOCKER_MT=application/vnd.docker.distribution.manifest.v2+json
if sk_copy "push-docker" --format v2s2 --dest-tls-verify=false --dest-creds "$CREDS" \
     "oci:$IMG/multi:v1" "$(ref e2e-docker:v1)"; then
  rm -rf "$OUTD/docker-dir"
  if "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref e2e-docker:v1)" >"$TMP/raw-docker" 2>"$TMP/err" \
     && [ "$(jq -r .mediaType "$TMP/raw-docker")" = "$DOCKER_MT" ]; then
    dd="$(sha_of "$TMP/raw-docker")"
    code="$("${CURL[@]}" -H "Accept: $DOCKER_MT" -D "$TMP/h-docker" -o "$TMP/body-docker" -w '%{http_code}' \
            "$(url "$NS/e2e-docker/manifests/v1")")"
    ct="$(grep -i '^content-type:' "$TMP/h-docker" | tail -n1 | cut -d: -f2- | tr -d ' \r' | cut -d';' -f1)"
    if [ "$code" = 200 ] && [ "$ct" = "$DOCKER_MT" ] && [ "$(sha_of "$TMP/body-docker")" = "$dd" ] \
       && sk_copy "pull-docker" --src-tls-verify=false --src-creds "$CREDS" "$(ref e2e-docker:v1)" "dir:$OUTD/docker-dir" \
       && [ "$(sha_of "$OUTD/docker-dir/manifest.json")" = "$dd" ]; then
      pass "push/pull multi as a Docker schema 2 manifest ($DOCKER_MT): stored and served byte-identical, Content-Type kept"
    else
      fail "Docker schema 2 manifest: GET -> $code, Content-Type $ct, body $(sha_of "$TMP/body-docker"), expected $dd; pulled manifest $(sha_of "$OUTD/docker-dir/manifest.json" 2>/dev/null)"
      [ -f "$SKLOG/pull-docker.log" ] && show_log "$SKLOG/pull-docker.log" 5
    fi
  else
    fail "push multi as Docker schema 2: inspect --raw gives mediaType $(jq -r .mediaType "$TMP/raw-docker" 2>/dev/null), expected $DOCKER_MT"
    detail < "$TMP/err"
  fi
else
  fail "push multi as a Docker schema 2 manifest (skopeo copy --format v2s2)"; show_log "$SKLOG/push-docker.log"
fi

# ---------------------------------------------------------------- 6. catalog
code="$("${CURL[@]}" -o "$TMP/catalog" -w '%{http_code}' "$(url _catalog)")"
missing=""
for r in e2e-single e2e-multi e2e-index e2e-multi-copy; do
  jq -e --arg r "$NS/$r" '.repositories | index($r) != null' "$TMP/catalog" >/dev/null 2>&1 || missing="$missing $NS/$r"
done
if [ "$code" = 200 ] && [ -z "$missing" ]; then
  pass "curl GET /v2/_catalog lists $NS/e2e-{single,multi,index,multi-copy}"
else
  fail "curl GET /v2/_catalog: status $code, missing:$missing; body: $(head -c 400 "$TMP/catalog" 2>/dev/null)"
fi
code="$("${CURL[@]}" -D "$TMP/cat-h" -o "$TMP/catalog2" -w '%{http_code}' "$(url '_catalog?n=2')")"
cnt="$(jq '.repositories | length' "$TMP/catalog2" 2>/dev/null)"
link="$(grep -i '^link:' "$TMP/cat-h" | tr -d '\r')"
info "GET /v2/_catalog?n=2 -> $code, ${cnt:-?} entries, ${link:-no Link header}"

# ---------------------------------------------------------------- 7. tag deletion (curl)
code="$("${CURL[@]}" -X DELETE -o "$TMP/deltag" -w '%{http_code}' "$(url "$NS/e2e-multi/manifests/v2")")"
if [ "$code" = 202 ]; then
  v2=0; v1=0
  "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref e2e-multi:v2)" >/dev/null 2>&1 && v2=1
  "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref e2e-multi:v1)" >/dev/null 2>&1 && v1=1
  if [ $v2 = 0 ] && [ $v1 = 1 ]; then
    pass "curl DELETE $NS/e2e-multi/manifests/v2 -> 202; :v2 gone, :v1 (same digest) still there"
  else
    fail "curl DELETE tag $NS/e2e-multi:v2 -> 202, but afterwards v2 present=$v2, v1 present=$v1 (expected 0 and 1)"
  fi
elif [ "$code" = 400 ] || [ "$code" = 405 ]; then
  info "curl DELETE $NS/e2e-multi/manifests/v2 -> $code: tag deletion not supported (allowed by the spec)"
else
  fail "curl DELETE $NS/e2e-multi/manifests/v2: unexpected status $code: $(head -c 300 "$TMP/deltag")"
fi

# ---------------------------------------------------------------- 8. skopeo delete
if "${SKOPEO[@]}" delete --tls-verify=false --creds "$CREDS" "$(ref e2e-single:v1)" >"$TMP/del" 2>&1; then
  pass "skopeo delete $NS/e2e-single:v1"
  if "${SKOPEO[@]}" inspect --tls-verify=false --creds "$CREDS" "$(ref e2e-single:v1)" >/dev/null 2>"$TMP/err"; then
    fail "after delete, skopeo inspect $NS/e2e-single:v1 still succeeds"
  else
    code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
            "$(url "$NS/e2e-single/manifests/$(S .single.digest)")")"
    if [ "$code" = 404 ]; then
      pass "after delete, inspect $NS/e2e-single:v1 fails ($(grep -o 'manifest unknown\|not found\|404[^"]*' "$TMP/err" | head -n1)) and GET by digest -> 404"
    else
      fail "after delete, inspect $NS/e2e-single:v1 fails but GET by digest -> $code (expected 404)"
    fi
  fi
else
  fail "skopeo delete $NS/e2e-single:v1"; detail < "$TMP/del"
fi
if "${SKOPEO[@]}" delete --tls-verify=false --creds "$CREDS" "$(ref e2e-index:v1)" >"$TMP/del" 2>&1; then
  v1=0; v2=0
  "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref e2e-index:v1)" >/dev/null 2>&1 && v1=1
  "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref e2e-index:v2)" >/dev/null 2>&1 && v2=1
  if [ $v1 = 0 ] && [ $v2 = 0 ]; then
    pass "skopeo delete $NS/e2e-index:v1 (the index, by digest): :v1 and :v2 both gone"
  else
    fail "skopeo delete $NS/e2e-index:v1 succeeded but v1 present=$v1, v2 present=$v2 (expected both gone)"
  fi
else
  fail "skopeo delete $NS/e2e-index:v1"; detail < "$TMP/del"
fi

# ---------------------------------------------------------------- 8b. repository users (management API + docker login flow)
API="http://127.0.0.1:$BERTH_PORT/api/v1"
api() { "${CURL[@]}" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
user_code="$(api -o "$TMP/reg.json" -w '%{http_code}' -X POST "$API/registries" -d '{"name":"e2e-team","public":false,"storage_limit_gib":1}')"
api -o "$TMP/pusher.json" -X POST "$API/users" \
  -d '{"name":"e2e-pusher","duration_days":1,"permissions":[{"registry":"e2e-team","access":"push"}]}'
api -o "$TMP/puller.json" -X POST "$API/users" \
  -d '{"name":"e2e-puller","duration_days":1,"permissions":[{"registry":"e2e-team","access":"pull"}]}'
PUSHER="e2e-pusher:$(jq -r '.secret // empty' "$TMP/pusher.json")"
PULLER="e2e-puller:$(jq -r '.secret // empty' "$TMP/puller.json")"
if [ "$user_code" = 201 ] && [ "${#PUSHER}" -gt 40 ] && [ "${#PULLER}" -gt 40 ]; then
  pass "management API: registry e2e-team created, users e2e-pusher (push) and e2e-puller (pull) created with secrets"
else
  fail "management API: registry -> $user_code, users -> $(jq -c . "$TMP/pusher.json" "$TMP/puller.json" 2>/dev/null | head -c 300)"
fi
TEAM="docker://$(reg)/e2e-team/app"
if "${SKOPEO[@]}" login --tls-verify=false -u e2e-pusher -p "${PUSHER#e2e-pusher:}" "$(reg)" >"$TMP/login" 2>&1 &&
   sk_copy "user-push" --dest-tls-verify=false "oci:$IMG/multi:v1" "$TEAM:v1" &&
   "${SKOPEO[@]}" logout "$(reg)" >/dev/null 2>&1; then
  pass "skopeo login as e2e-pusher with its secret, then push multi to e2e-team/app:v1"
else
  fail "skopeo login + push as e2e-pusher"; detail < "$TMP/login"; show_log "$SKLOG/user-push.log"
fi
rm -rf "${OUTD:?}/user-pull"
if sk_copy "user-pull" --src-tls-verify=false --src-creds "$PULLER" "$TEAM:v1" "oci:$OUTD/user-pull:v1" &&
   [ "$(jq -r '.manifests[0].digest' "$OUTD/user-pull/index.json")" = "$(S .multi.digest)" ]; then
  pass "pull e2e-team/app:v1 as e2e-puller (pull permission): digest matches"
else
  fail "pull e2e-team/app:v1 as e2e-puller"; show_log "$SKLOG/user-pull.log"
fi
sk_copy_refused "user-wrong" 'unauthorized\|401\|authentication required' "push with a wrong secret" "401" \
  --dest-tls-verify=false --dest-creds "e2e-pusher:not-the-secret" "oci:$IMG/single:v1" "$TEAM:wrong"
sk_copy_refused "user-denied" 'denied\|403' "push as the pull-only user e2e-puller" "403 DENIED" \
  --dest-tls-verify=false --dest-creds "$PULLER" "oci:$IMG/single:v1" "$TEAM:denied"
PUSHER_ID="$(jq -r .id "$TMP/pusher.json")"
api -o /dev/null -X POST "$API/users/$PUSHER_ID/refresh-secret"
if sk_copy "user-old-secret" --src-tls-verify=false --src-creds "$PUSHER" "$TEAM:v1" "oci:$OUTD/user-old:v1"; then
  fail "pull with the secret replaced by refresh-secret still works"
else
  pass "after refresh-secret, the old secret is refused on the very next pull"
fi
used="$(api "$API/registries/e2e-team" | jq -r .storage_used_bytes)"
if [ "${used:-0}" -gt 0 ]; then
  pass "e2e-team storage_used_bytes is $used after the push"
else
  fail "e2e-team storage_used_bytes is '$used' after the push"
fi

# ---------------------------------------------------------------- 9. restart on the same data dir
if server_stop 20; then
  pass "server stops within 20s of SIGTERM"
else
  fail "server stops within 20s of SIGTERM (had to be killed or was already dead)"
fi
if server_start 2>"$TMP/start.err"; then
  rm -rf "${OUTD:?}/multi-after"
  ok=1; why=""
  if ! sk_copy "pull-after" --src-tls-verify=false --src-creds "$CREDS" "$(ref e2e-multi:v1)" "oci:$OUTD/multi-after:v1"; then
    ok=0; why="pull of $NS/e2e-multi:v1 failed: $(grep -v level=debug "$SKLOG/pull-after.log" | tail -n1)"
  elif [ "$(jq -r '.manifests[0].digest' "$OUTD/multi-after/index.json")" != "$(S .multi.digest)" ]; then
    ok=0; why="pulled digest differs"
  elif ! diff <(ls "$IMG/multi/blobs/sha256") <(ls "$OUTD/multi-after/blobs/sha256") >/dev/null; then
    ok=0; why="pulled blob set differs"
  fi
  if "${SKOPEO[@]}" inspect --raw --tls-verify=false --creds "$CREDS" "$(ref e2e-single:v1)" >/dev/null 2>&1; then
    ok=0; why="$why; deleted $NS/e2e-single:v1 is back"
  fi
  if [ $ok = 1 ]; then
    pass "restart on the same data dir: $NS/e2e-multi:v1 pulls back intact, deleted $NS/e2e-single:v1 stays deleted"
  else
    fail "restart on the same data dir: $why"
  fi
  if server_stop 20; then pass "restarted server stops within 20s of SIGTERM"
  else fail "restarted server stops within 20s of SIGTERM"; fi
else
  fail "server restarts on the same data dir"; detail < "$TMP/start.err"
fi

finish
