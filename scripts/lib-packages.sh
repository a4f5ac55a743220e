# shellcheck shell=bash
# The one way the benchmark scripts install what they need: Debian packages with apt-get.
# Source it; it sets no shell options of its own.
#
#   packages_install PACKAGE...   -> installs the packages with apt-get (through sudo when not root), none of
#                                    their services started on install; nothing when none is named. Says what it
#                                    installs on stderr; returns apt-get's status.

packages_install() {
  [ $# -gt 0 ] || return 0
  local sudo="" policy_added=0 rc=0
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "packages_install: installing $*" >&2
  # Debian starts a package's service on install unless policy-rc.d says no: docker-registry's would listen on
  # :5000 with its own config, PostgreSQL's and HAProxy's on their default ports.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    policy_added=1
  fi
  $sudo apt-get update -q >/dev/null || rc=$?
  if [ $rc -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
      $(printf '%s\n' "$@" | sort -u) >/dev/null || rc=$?
  fi
  [ $policy_added -eq 0 ] || $sudo rm -f /usr/sbin/policy-rc.d
  return $rc
}
