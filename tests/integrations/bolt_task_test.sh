#!/usr/bin/env bash
# The Bolt task (host/integrations/bolt/taskhost/tasks/dcv_resend.{json,py}) fed exactly what
# Bolt sends with input_method stdin (the parameters as one JSON object, "_noop" and "_task"
# added by Bolt), against the DigiCert sandbox. Bolt is not in Debian: this checks what Bolt
# would read. Its metadata declares every param of the plugin's schema.
#
#   bolt_task_test.sh TASKHOST SANDBOX PLUGIN FIXTURE TASK_DIR
source "$(dirname "$0")/lib.sh"
taskhost=$1 sandbox=$2 plugin=$3 fixture=$4 tasks=$5
start_sandbox "$sandbox" "$fixture"
write_config "$plugin"

# The metadata names every param the plugin's schema has, and says noop and stdin.
"$taskhost" plugins --json --config "$config" >"$work/plugins.json"
python3 - "$work/plugins.json" "$tasks/dcv_resend.json" <<'PY' || fail "the Bolt metadata does not match the plugin"
import json, sys
plugins = json.load(open(sys.argv[1]))
meta = json.load(open(sys.argv[2]))
assert meta["input_method"] == "stdin" and meta["supports_noop"] is True, meta
def tasks(node):
    if isinstance(node, dict):
        if node.get("name") == "digicert.dcv.resend" and "params_schema" in node:
            yield node
        for v in node.values():
            yield from tasks(v)
    elif isinstance(node, list):
        for v in node:
            yield from tasks(v)
schema = next(tasks(plugins))["params_schema"]["properties"]
missing = sorted(set(schema) - set(meta["parameters"]))
assert not missing, "not in the Bolt metadata: %s" % missing
PY

bolt_run() {  # bolt_run NAME EXPECTED_EXIT JSON_INPUT
  set +e
  python3 "$tasks/dcv_resend.py" <<<"$3" >"$work/bolt-$1.out" 2>"$work/bolt-$1.err"
  local rc=$?
  set -e
  cat "$work/bolt-$1.out"
  [ "$rc" -eq "$2" ] || { cat "$work/bolt-$1.err" >&2; fail "the task ($1) exited $rc, expected $2"; }
}
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$work/bolt-$1.out" "$2"; }
input() {  # input DOMAIN_ID NOOP
  printf '{"domain_id": %s, "name_scope": "example.com", "email_array": ["admin@example.com"], "account": "sandbox", "resend_interval": "24h", "taskhost_binary": "%s", "taskhost_config": "%s", "_task": "taskhost::dcv_resend", "_noop": %s}' \
    "$1" "$(realpath "$taskhost")" "$config" "$2"
}

bolt_run noop 0 "$(input 1234567 true)"
[ "$(field noop 'd["status"]')" = planned ] || fail "_noop did not plan"
[ "$(accepted)" -eq 0 ] || fail "_noop sent a resend"
bolt_run first 0 "$(input 1234567 false)"
[ "$(field first 'd["status"], d["changed"]')" = "('succeeded', True)" ] || fail "the first run did not resend"
bolt_run second 0 "$(input 1234567 false)"
[ "$(field second 'd["status"], d["changed"], d["reason"]')" = "('skipped', False, 'within_interval')" ] \
  || fail "the second run was not skipped within its interval"
[ "$(accepted)" -eq 1 ] || fail "the sandbox accepted $(accepted) resends, expected 1"
bolt_run unknown 1 "$(input 7654321 false)"
[ "$(field unknown 'd["_error"]["kind"]')" = taskhost/not_found ] || fail "_error.kind is not taskhost/not_found"
[ "$(field unknown 'd["_error"]["details"]["status"]')" = failed ] || fail "_error.details is not the outcome"
bolt_run garbage 1 'not json'
[ "$(field garbage 'd["_error"]["kind"]')" = taskhost/invalid_input ] || fail "bad input is not invalid_input"
no_key_in "$work"/bolt-*.out "$work"/bolt-*.err
echo "bolt task through taskhost: ok"
