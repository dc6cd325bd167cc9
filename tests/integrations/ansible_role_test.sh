#!/usr/bin/env bash
# The Ansible role (host/integrations/ansible/roles/taskhost_dcv_resend) run by Debian's
# ansible-playbook against `taskhost serve` and the DigiCert sandbox: --check first (would send:
# changed, nothing sent), then twice for real (the first resends once, the second changes
# nothing), then --check again (unchanged). Fails, never skips, without ansible-playbook.
#
#   ansible_role_test.sh TASKHOST SANDBOX PLUGIN FIXTURE ROLES_DIR
source "$(dirname "$0")/lib.sh"
taskhost=$1 sandbox=$2 plugin=$3 fixture=$4 roles=$5
command -v ansible-playbook >/dev/null || fail "ansible-playbook is not installed (tests/install-deps.sh)"
start_sandbox "$sandbox" "$fixture"
write_config "$plugin"
start_daemon "$taskhost"

play() {  # play NAME [ansible-playbook flags...]
  local name=$1; shift
  set +e
  ANSIBLE_NOCOLOR=1 ANSIBLE_ROLES_PATH="$roles" ANSIBLE_LOCAL_TEMP="$work/ansible-local" \
    ANSIBLE_REMOTE_TEMP="$work/ansible-remote" ANSIBLE_RETRY_FILES_ENABLED=0 \
    ANSIBLE_PYTHON_INTERPRETER=auto_silent \
    ansible-playbook -i localhost, -c local "$(dirname "$0")/ansible/role_playbook.yml" \
    -e "taskhost_socket=$socket" "$@" >"$work/ansible-$name.out" 2>&1
  local rc=$?
  set -e
  cat "$work/ansible-$name.out"
  [ "$rc" -eq 0 ] || fail "ansible-playbook ($name) exited $rc"
}
recap_changed() {
  grep -Eq "ok=[0-9]+ +changed=$2 +unreachable=0 +failed=0" "$work/ansible-$1.out" \
    || fail "the $1 run's recap is not changed=$2 and no failure"
}

play check-first --check
recap_changed check-first 1
grep -q 'would resend DCV emails' "$work/ansible-check-first.out" || fail "check mode did not plan"
[ "$(accepted)" -eq 0 ] || fail "check mode sent a resend"
play first
recap_changed first 1
[ "$(accepted 1234567)" -eq 1 ] || fail "the first run did not resend exactly once"
play second
recap_changed second 0
play check-again --check
recap_changed check-again 0
[ "$(accepted)" -eq 1 ] || fail "the sandbox accepted $(accepted) resends, expected 1"
no_key_in "$work"/ansible-*.out "$work/daemon.err"
echo "ansible role through taskhost serve: ok"
