#!/usr/bin/env bash
# Proves the host's layering is enforced by the build (see host/CMakeLists.txt):
#  1. a config-room file including a util header builds (the probe itself is sound);
#  2. a config-room file including a daemon header does not build, because the header is not
#     on the config room's include path;
#  3. no host source reaches around the rule with a relative include ("../").
set -u
cmake=$1 build=$2 host=$3
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! "$cmake" --build "$build" --target layering_probe_allowed >"$log" 2>&1; then
  cat "$log"
  echo "FAIL: the allowed probe (config including util) did not build; the check proves nothing"
  exit 1
fi
if "$cmake" --build "$build" --target layering_probe_reversed >"$log" 2>&1; then
  echo "FAIL: a config-room file including daemon/taskhost_daemon.h built: the layering leaks"
  exit 1
fi
if ! grep -q 'daemon/taskhost_daemon.h: No such file or directory' "$log"; then
  cat "$log"
  echo "FAIL: the reversed probe failed, but not because the daemon header was out of reach"
  exit 1
fi
if grep -rnE '#include "\.\./' "$host"; then
  echo "FAIL: the includes above reach around the rooms with ../"
  exit 1
fi
echo "layering: allowed include builds, reversed include does not, no ../ includes"
