#!/usr/bin/env bash
# The README's first command: installs what is needed, builds, starts the built-in DigiCert
# sandbox (an HTTPS server on loopback that behaves like CertCentral), and resends DCV emails
# through it with taskhost, printing the outcome. Leaves nothing running.
#
#   bash tests/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash tests/install-deps.sh
echo "quickstart: building taskhost, the plugin and the sandbox (build/)" >&2
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j"$(nproc)" --target taskhost digicert_dcv digicert-sandbox >/dev/null

work=$(mktemp -d /tmp/taskhost-quickstart.XXXXXX)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh random key for this run, in a 0600 file: never on a command line.
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/sandbox.key"
umask 022

build/tests/sandbox/digicert-sandbox --fixture tests/sandbox/fixtures/domains.json \
  --state-dir "$work/sandbox" --api-key-file "$work/sandbox.key" >"$work/sandbox.out" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  grep -q '"event":"ready"' "$work/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
ready=$(grep '"event":"ready"' "$work/sandbox.out" | head -n 1)
[ -n "$ready" ] || { echo "quickstart: the sandbox did not start" >&2; exit 1; }
base_url=$(sed -E 's/.*"base_url":"([^"]+)".*/\1/' <<<"$ready")
ca_file=$(sed -E 's/.*"ca_file":"([^"]+)".*/\1/' <<<"$ready")
echo "quickstart: DigiCert sandbox listening at $base_url" >&2

mkdir -p "$work/plugins"
cp build/plugin/digicert_dcv/digicert_dcv.so "$work/plugins/"
cat >"$work/config.json" <<JSON
{
  "plugin_dir": "$work/plugins",
  "state_dir": "$work/state",
  "accounts": {
    "sandbox": {"base_url": "$base_url", "ca_file": "$ca_file", "api_key_file": "$work/sandbox.key"}
  }
}
JSON

echo "quickstart: taskhost run digicert.domain.list pending=true --format table (which domains are due)" >&2
build/host/taskhost run digicert.domain.list pending=true --account sandbox \
  --config "$work/config.json" --format table 2>/dev/null

echo "quickstart: taskhost run digicert.dcv.resend domain_id=1234567 name_scope=example.com \\" >&2
echo "              email_array=admin@example.com,someone@elsewhere.example --account sandbox" >&2
set +e
build/host/taskhost run digicert.dcv.resend domain_id=1234567 name_scope=example.com \
  email_array=admin@example.com,someone@elsewhere.example --account sandbox \
  --config "$work/config.json" --pretty
rc=$?
set -e
sleep 0.2
echo "quickstart: what the sandbox accepted (DigiCert ignores addresses it cannot mail):" >&2
grep '"event":"resend_accepted"' "$work/sandbox.out" >&2 || echo "  nothing" >&2
echo "quickstart: taskhost history (the ledger's record of every send, in $work/state):" >&2
build/host/taskhost history --config "$work/config.json" >&2
echo "quickstart: taskhost exited $rc" >&2
exit "$rc"
