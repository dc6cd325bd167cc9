#!/usr/bin/env bash
# The Puppet defined type taskhost::dcv_resend (host/integrations/puppet/taskhost) applied by
# Debian's puppet against the DigiCert sandbox: --noop reports the pending resend and sends
# nothing; the first apply resends once (exit 2 with --detailed-exitcodes); the second changes
# nothing (exit 0); a mix of a sent and a failing domain exits 6 (changes and failures), as
# Puppet's convention says. Fails, never skips, without puppet.
#
#   puppet_module_test.sh TASKHOST SANDBOX PLUGIN FIXTURE MODULE_PATH
source "$(dirname "$0")/lib.sh"
taskhost=$(realpath "$1") sandbox=$2 plugin=$3 fixture=$4 modules=$5
command -v puppet >/dev/null || fail "puppet is not installed (tests/install-deps.sh)"
start_sandbox "$sandbox" "$fixture"
write_config "$plugin"

apply() {  # apply NAME EXPECTED_EXIT MANIFEST [puppet flags...]
  local name=$1 expected=$2 manifest=$3; shift 3
  set +e
  puppet apply --detailed-exitcodes --color=false --modulepath "$modules" \
    --vardir "$work/puppet/var" --confdir "$work/puppet/etc" --codedir "$work/puppet/code" \
    --logdir "$work/puppet/log" --rundir "$work/puppet/run" "$@" -e "$manifest" \
    >"$work/puppet-$name.out" 2>&1
  local rc=$?
  set -e
  cat "$work/puppet-$name.out"
  [ "$rc" -eq "$expected" ] || fail "puppet apply ($name) exited $rc, expected $expected"
}
resend() {  # resend TITLE DOMAIN_ID
  echo "taskhost::dcv_resend { '$1': domain_id => $2, account => 'sandbox',
    params => { 'name_scope' => 'example.com', 'email_array' => ['admin@example.com'] },
    config => '$config', taskhost => '$taskhost' }"
}

# Puppet 7 exits 0 for a --noop run even with pending changes: its log says what would change.
apply noop 0 "$(resend example-com 1234567)" --noop
grep -q "Exec\[taskhost dcv resend example-com\]/returns: current_value 'notrun', should be \['0'\] (noop)" \
  "$work/puppet-noop.out" || fail "--noop did not report the pending resend"
[ "$(accepted)" -eq 0 ] || fail "--noop sent a resend"
apply first 2 "$(resend example-com 1234567)"
[ "$(accepted 1234567)" -eq 1 ] || fail "the first apply did not resend exactly once"
apply second 0 "$(resend example-com 1234567)"
apply noop-after 0 "$(resend example-com 1234567)" --noop
if grep -q '(noop)' "$work/puppet-noop-after.out"; then fail "--noop after the resend reports a change"; fi
[ "$(accepted)" -eq 1 ] || fail "the second apply sent something"
# One new domain sent, one unknown to DigiCert failing: changes and failures, exit 6.
apply mixed 6 "$(resend example-net 1234569) $(resend unknown 7654321)"
[ "$(accepted 1234569)" -eq 1 ] || fail "the mixed apply did not send the good domain"
no_key_in "$work"/puppet-*.out
echo "puppet module through taskhost: ok"
