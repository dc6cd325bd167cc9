# What the integration tests share (sourced): a DigiCert sandbox on loopback with the canary key,
# the built plugin installed, a config with the account "sandbox", and optionally the daemon.
# Every process it starts is stopped and the work directory removed on exit.
#
#   source lib.sh; start_sandbox SANDBOX FIXTURE; write_config PLUGIN; start_daemon TASKHOST
set -euo pipefail
canary="CANARY-KEY-7f3a9c"
work=$(mktemp -d /tmp/taskhost-integration.XXXXXX)
chmod 0755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start_sandbox() {
  (umask 077; printf '%s\n' "$canary" >"$work/sandbox.key")
  "$1" --fixture "$2" --state-dir "$work/sandbox" --api-key-file "$work/sandbox.key" \
    >"$work/sandbox.out" 2>"$work/sandbox.err" &
  pids+=($!)
  for _ in $(seq 1 300); do grep -q '"event":"ready"' "$work/sandbox.out" 2>/dev/null && break; sleep 0.1; done
  local ready
  ready=$(grep '"event":"ready"' "$work/sandbox.out" | head -n 1) || fail "the sandbox did not start"
  base_url=$(sed -E 's/.*"base_url":"([^"]+)".*/\1/' <<<"$ready")
  ca_file=$(sed -E 's/.*"ca_file":"([^"]+)".*/\1/' <<<"$ready")
}

write_config() {
  mkdir -m 0755 "$work/plugins"
  install -m 0755 "$1" "$work/plugins/digicert_dcv.so"
  config="$work/config.json"
  cat >"$config" <<JSON
{"plugin_dir": "plugins", "state_dir": "state",
 "accounts": {"sandbox": {"base_url": "$base_url", "ca_file": "$ca_file",
                          "api_key_file": "sandbox.key", "retry": {"max_attempts": 2}}},
 "daemon": {"socket": "$work/run/taskhost.sock", "audit_log": "audit.log"}}
JSON
  socket="$work/run/taskhost.sock"
}

start_daemon() {
  "$1" serve --config "$config" 2>"$work/daemon.err" &
  pids+=($!)
  for _ in $(seq 1 300); do [ -S "$socket" ] && grep -q 'ready' "$work/daemon.err" 2>/dev/null && break; sleep 0.1; done
  [ -S "$socket" ] || { cat "$work/daemon.err" >&2; fail "taskhost serve did not start"; }
}

# How many resends the sandbox accepted (for one domain id, when given).
accepted() {
  sleep 0.2
  if [ $# -eq 0 ]; then
    grep -c '"event":"resend_accepted"' "$work/sandbox.out" || true
  else
    grep '"event":"resend_accepted"' "$work/sandbox.out" | grep -c "\"domain_id\":$1," || true
  fi
}

# The canary key must appear in none of the files given.
no_key_in() {
  for f in "$@"; do
    if grep -q "$canary" "$f"; then fail "the API key appears in $(basename "$f")"; fi
  done
}
