#!/usr/bin/env bash
# The issue's "done when": Debian's ansible-playbook, using only ansible.builtin.uri with
# unix_socket, resends DCV emails through `taskhost serve` against the DigiCert sandbox and
# reads changed/failed/msg from the answers. Fails (never skips) when ansible-playbook is
# missing: tests/install-deps.sh installs ansible-core.
#
#   run_playbook_test.sh TASKHOST SANDBOX PLUGIN PLAYBOOK FIXTURE
source "$(dirname "$0")/../../../integrations/lib.sh"
taskhost=$1 sandbox=$2 plugin=$3 playbook=$4 fixture=$5

command -v ansible-playbook >/dev/null \
  || fail "ansible-playbook is not installed (bash tests/install-deps.sh installs ansible-core)"
start_sandbox "$sandbox" "$fixture"
write_config "$plugin"
start_daemon "$taskhost"
daemon_pid=${pids[-1]}

# Twice, as an agent would: the first run resends (one changed task), the second changes nothing
# (the daemon's ledger answers the resend within its resend_interval, without sending).
run_playbook() {
  set +e
  ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP="$work/ansible-local" ANSIBLE_REMOTE_TEMP="$work/ansible-remote" \
    ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_PYTHON_INTERPRETER=auto_silent \
    ansible-playbook -i localhost, -c local "$playbook" -e "taskhost_socket=$socket" \
    >"$work/ansible-$1.out" 2>&1
  rc=$?
  set -e
  cat "$work/ansible-$1.out"
  [ "$rc" -eq 0 ] || fail "ansible-playbook ($1 run) exited $rc"
}
run_playbook first
grep -Eq 'ok=[0-9]+ +changed=1 +unreachable=0 +failed=0' "$work/ansible-first.out" \
  || fail "the first run's recap is not one changed task and no failure"
run_playbook second
grep -Eq 'ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$work/ansible-second.out" \
  || fail "the second run changed something: the resend_interval did not hold"

# The sandbox accepted exactly the one real resend over both runs (the dry runs, the refusal and
# the second run's resend sent nothing).
[ "$(accepted)" -eq 1 ] || fail "the sandbox accepted $(accepted) resends, expected 1"

kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "taskhost serve did not exit 0 on SIGTERM"
grep -q '"status":"succeeded"' "$work/audit.log" || fail "no audit line for the resend"
grep -q '"source":"api"' "$work/audit.log" || fail "audit lines do not say their source"
grep -q '"subject":"' "$work/audit.log" || fail "audit lines do not name the domain"
"$taskhost" history --config "$work/config.json" --domain 1234567 >"$work/history.out" \
  || fail "taskhost history failed"
cat "$work/history.out"
[ "$(grep -c 'succeeded' "$work/history.out")" -eq 1 ] || fail "history does not show the one send"
grep -q 'within_interval' "$work/history.out" || fail "history does not show the skipped resend"
no_key_in "$work/ansible-first.out" "$work/ansible-second.out" "$work/daemon.err" \
  "$work/audit.log" "$work/history.out"
echo "ansible playbook through taskhost serve: ok"
