#!/usr/bin/env bash
# `taskhost run --format salt` read the way Salt's cmd.run with stateful: True reads it: the last
# line of stdout split like a shell (shlex) into key=value pairs, `changed` yes/no, `comment` the
# msg; the exit code says whether the state failed. Salt is not in Debian 12: this applies
# Salt's parsing rule to the real output, against the DigiCert sandbox.
#
#   salt_format_test.sh TASKHOST SANDBOX PLUGIN FIXTURE
source "$(dirname "$0")/lib.sh"
taskhost=$1 sandbox=$2 plugin=$3 fixture=$4
start_sandbox "$sandbox" "$fixture"
write_config "$plugin"
# A 24h interval for the account, so the second run is within it.
python3 - "$config" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); c["accounts"]["sandbox"]["resend_interval"] = "24h"
json.dump(c, open(sys.argv[1], "w"))
PY

salt_run() {  # salt_run NAME EXPECTED_EXIT DOMAIN_ID
  set +e
  "$taskhost" run digicert.dcv.resend domain_id="$3" name_scope=example.com \
    email_array=admin@example.com,ceo@example.com --config "$config" --format salt \
    >"$work/salt-$1.out" 2>"$work/salt-$1.err"
  local rc=$?
  set -e
  cat "$work/salt-$1.out"
  [ "$rc" -eq "$2" ] || { cat "$work/salt-$1.err" >&2; fail "taskhost ($1) exited $rc, expected $2"; }
}
# Salt's rule (salt/states/cmd.py, _reinterpreted_state): the last line, shlex-split, key=value.
state() {
  python3 - "$work/salt-$1.out" <<'PY'
import shlex, sys
last = open(sys.argv[1]).read().strip().splitlines()[-1]
pairs = dict(item.split("=", 1) for item in shlex.split(last))
print(pairs["changed"]); print(pairs["comment"])
PY
}

salt_run first 0 1234567
[ "$(state first | head -1)" = yes ] || fail "the first run is not changed=yes"
state first | tail -1 | grep -q 'DCV emails resent for .*ignores 1 requested address' \
  || fail "the comment is not the outcome's msg"
head -1 "$work/salt-first.out" | python3 -c 'import json,sys; json.load(sys.stdin)' \
  || fail "the first line is not the outcome's JSON"
salt_run second 0 1234567
[ "$(state second | head -1)" = no ] || fail "the second run is not changed=no"
salt_run unknown 1 7654321
[ "$(state unknown | head -1)" = no ] || fail "a failure says changed=yes"
state unknown | tail -1 | grep -q 'not found' || fail "the failure's comment does not say why"
[ "$(accepted)" -eq 1 ] || fail "the sandbox accepted $(accepted) resends, expected 1"
no_key_in "$work"/salt-*.out "$work"/salt-*.err
echo "salt format: ok"
