#!/bin/bash
# PackageUnits: `systemd-analyze verify` accepts taskhost.service and taskhost.socket as they
# ship (only ExecStart is pointed at the built binary, since /usr/bin/taskhost need not exist
# here), with their Documentation= man page found; then prints the unit's exposure score from
# `systemd-analyze security --offline=yes` and fails above the threshold.
#   units_test.sh TASKHOST_BINARY DIST_SOURCE_DIR DIST_BUILD_DIR THRESHOLD
source "$(dirname "$0")/package_lib.sh"
taskhost=$1 dist=$2 dist_build=$3 threshold=$4

units=$PACKAGE_TMP/units
mkdir -p "$units" "$PACKAGE_TMP/man/man1"
sed "s#^ExecStart=/usr/bin/taskhost #ExecStart=$taskhost #" "$dist/systemd/taskhost.service" \
    >"$units/taskhost.service"
grep -q "^ExecStart=$taskhost serve --config /etc/taskhost/config.json\$" "$units/taskhost.service" ||
    fail "taskhost.service has no 'ExecStart=/usr/bin/taskhost serve --config ...' to point at the build"
cp "$dist/systemd/taskhost.socket" "$units/"
cp "$dist_build"/*.1.gz "$PACKAGE_TMP/man/man1/"

# The default unit path stays after ours (the trailing colon) for network-online.target etc.
verify_out=$PACKAGE_TMP/verify.txt
if ! SYSTEMD_UNIT_PATH="$units:" MANPATH="$PACKAGE_TMP/man" \
    systemd-analyze verify --man=yes "$units/taskhost.socket" "$units/taskhost.service" \
    >"$verify_out" 2>&1; then
    cat "$verify_out" >&2
    fail "systemd-analyze verify refused the units"
fi
# verify exits 0 on warnings too: any line it prints about our units is a finding.
if grep -i "taskhost" "$verify_out" >&2; then
    fail "systemd-analyze verify warned about the units (above)"
fi
echo "systemd-analyze verify: taskhost.service and taskhost.socket are clean"

security_out=$PACKAGE_TMP/security.txt
status=0
SYSTEMD_UNIT_PATH="$units:" systemd-analyze security --offline=yes --threshold="$threshold" \
    "$units/taskhost.service" >"$security_out" 2>&1 || status=$?
score_line=$(grep "Overall exposure level" "$security_out" || true)
[[ -n $score_line ]] || { cat "$security_out" >&2; fail "systemd-analyze security printed no score"; }
echo "systemd-analyze security --offline=yes: ${score_line#*→ }"
if [[ $status -ne 0 ]]; then
    grep -E "^✗" "$security_out" >&2 || true
    fail "the exposure score is above $threshold (the settings still exposed are listed above)"
fi
# What is still exposed, for the README and the reviewer.
grep -E "^✗" "$security_out" || true
