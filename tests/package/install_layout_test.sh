#!/bin/bash
# PackageInstallLayout: `cmake --install --prefix /usr` into a DESTDIR lays out exactly the
# files the package ships (no more, no fewer); the plugin is stripped and finds its split debug
# info by .gnu_debuglink and build id; taskhost finds the probe beside it; the example config
# passes the installed taskhost's own checks; the man pages format without warnings.
#   install_layout_test.sh BUILD_DIR SOURCE_DIR
source "$(dirname "$0")/package_lib.sh"
build=$1 source_dir=$2
root=$PACKAGE_TMP/root
install_into "$build" "$root"

expected=$PACKAGE_TMP/expected.txt
{
    cat <<'LIST'
etc/logrotate.d/taskhost
usr/bin/taskhost
usr/bin/taskhost-plugin-probe
usr/include/taskhost/plugin.h
usr/include/taskhost/plugin_sdk.hpp
usr/lib/debug/usr/lib/taskhost/plugins/digicert_dcv.so.debug
usr/lib/systemd/system/taskhost.service
usr/lib/systemd/system/taskhost.socket
usr/lib/taskhost/ledger-postgresql.so
usr/lib/taskhost/plugins/digicert_dcv.so
usr/share/bash-completion/completions/taskhost
usr/share/doc/taskhost-dbg/changelog.gz
usr/share/doc/taskhost-dbg/copyright
usr/share/doc/taskhost/changelog.gz
usr/share/doc/taskhost/copyright
usr/share/doc/taskhost/examples/config.json
usr/share/lintian/overrides/taskhost
usr/share/man/man1/taskhost-plugin-probe.1.gz
usr/share/man/man1/taskhost.1.gz
usr/share/taskhost/manifests/manifest.schema.json
LIST
    for example in "$source_dir"/manifests/examples/*.json; do
        echo "usr/share/taskhost/manifests/examples/$(basename "$example")"
    done
} | LC_ALL=C sort >"$expected"
(cd "$root" && find . -type f -o -type l) | sed 's#^\./##' | LC_ALL=C sort >"$PACKAGE_TMP/installed.txt"
if ! diff -u "$expected" "$PACKAGE_TMP/installed.txt" >&2; then
    fail "the installed files differ from the expected layout (- expected, + installed)"
fi
echo "layout: $(wc -l <"$expected") files, as expected"

# The plugin: stripped, its debug info beside it in lib/debug, tied by name and build id.
plugin=$root/usr/lib/taskhost/plugins/digicert_dcv.so
debug=$root/usr/lib/debug/usr/lib/taskhost/plugins/digicert_dcv.so.debug
sections=$(section_names "$plugin")
grep -qx '.debug_info' <<<"$sections" && fail "digicert_dcv.so still has .debug_info"
grep -qx '.symtab' <<<"$sections" && fail "digicert_dcv.so still has a .symtab (not stripped)"
grep -qx '.gnu_debuglink' <<<"$sections" || fail "digicert_dcv.so has no .gnu_debuglink"
file -b "$plugin" | grep -q ', stripped' || fail "file(1) does not call digicert_dcv.so stripped"
readelf -p .gnu_debuglink "$plugin" | grep -q 'digicert_dcv.so.debug' ||
    fail "digicert_dcv.so's .gnu_debuglink does not name digicert_dcv.so.debug"
section_names "$debug" | grep -qx '.debug_info' || fail "digicert_dcv.so.debug holds no .debug_info"
build_id() { readelf -n "$1" | sed -n 's/.*Build ID: //p'; }
[[ -n $(build_id "$plugin") && $(build_id "$plugin") == "$(build_id "$debug")" ]] ||
    fail "digicert_dcv.so and digicert_dcv.so.debug have different build ids"
echo "digicert_dcv.so: stripped, debuglink and build id $(build_id "$plugin") match its .debug"

# What every taskhost process maps: neither libpq (and the ~20 libraries it brings) nor
# libsystemd. The PostgreSQL connector is the module in lib/taskhost/, loaded only for a
# PostgreSQL ledger (issue 12: 44 libraries and 24 MiB for a cold run before, 15 after).
# (ldd's output is kept first: grep -q stops reading early, and under pipefail ldd's SIGPIPE
# would decide the check.)
taskhost_needs=$(ldd "$root/usr/bin/taskhost")
for library in libpq libsystemd libPocoDataPostgreSQL libkrb5 libldap libgnutls; do
    grep -q "$library" <<<"$taskhost_needs" && fail "taskhost links $library: $taskhost_needs"
done
module_needs=$(ldd "$root/usr/lib/taskhost/ledger-postgresql.so")
grep -q 'libPocoDataPostgreSQL' <<<"$module_needs" ||
    fail "ledger-postgresql.so does not link Poco's PostgreSQL connector: $module_needs"
# The installed taskhost finds the module beside it (../lib/taskhost/): with a PostgreSQL ledger
# on a server that is not there, what fails is the connection, not the module.
pg_config=$PACKAGE_TMP/pg-config.json
cat >"$pg_config" <<JSON
{"plugin_dir": "$root/usr/lib/taskhost/plugins", "state_dir": "$PACKAGE_TMP/state",
 "ledger": {"postgresql": {"host": "$PACKAGE_TMP/no-server", "dbname": "taskhost",
                           "user": "taskhost", "connect_timeout_seconds": 2}}}
JSON
pg_answer=$("$root/usr/bin/taskhost" ledger migrate --config "$pg_config" 2>&1) &&
    fail "ledger migrate succeeded without a server: $pg_answer"
grep -q 'PostgreSQL ledger module' <<<"$pg_answer" && fail "the installed taskhost did not load its module: $pg_answer"
grep -q 'PostgreSQL ledger' <<<"$pg_answer" || fail "unexpected answer without a server: $pg_answer"
echo "taskhost: no libpq or libsystemd mapped; the PostgreSQL module loads from lib/taskhost"

# The example config, pointed at this install, passes taskhost's checks: the plugin loads
# through the probe found beside the installed binary, and the account checks against the
# plugin's connection schema (a --check needs no key).
taskhost=$root/usr/bin/taskhost
config=$PACKAGE_TMP/config.json
sed -e "s#\"/usr/lib/taskhost/plugins\"#\"$root/usr/lib/taskhost/plugins\"#" \
    -e "s#\"/var/lib/taskhost\"#\"$PACKAGE_TMP/state\"#" \
    "$root/usr/share/doc/taskhost/examples/config.json" >"$config"
grep -q "$root/usr/lib/taskhost/plugins" "$config" || fail "the example config has no plugin_dir /usr/lib/taskhost/plugins"
mkdir -m 0700 "$PACKAGE_TMP/state"
env -u TASKHOST_PLUGIN_PROBE "$taskhost" plugins --json --config "$config" >"$PACKAGE_TMP/plugins.json" ||
    fail "taskhost plugins refused the example config (exit $?)"
python3 - "$PACKAGE_TMP/plugins.json" <<'PY' || fail "the installed taskhost did not load digicert_dcv (above)"
import json, sys
listing = json.load(open(sys.argv[1]))
names = [p["name"] for p in listing["plugins"]]
if names != ["digicert_dcv"] or listing["refusals"]:
    sys.exit(f"plugins {names}, refusals {listing['refusals']}")
PY
env -u TASKHOST_PLUGIN_PROBE "$taskhost" run digicert.dcv.resend domain_id=1234567 --check \
    --config "$config" >"$PACKAGE_TMP/outcome.json" 2>"$PACKAGE_TMP/run.err" ||
    { cat "$PACKAGE_TMP/outcome.json" "$PACKAGE_TMP/run.err" >&2; fail "a --check run with the example config failed"; }
grep -q '"status":"planned"' "$PACKAGE_TMP/outcome.json" ||
    { cat "$PACKAGE_TMP/outcome.json" >&2; fail "a --check run with the example config did not plan"; }
echo "example config: digicert_dcv loads from the install, a --check run plans"

# The man pages format cleanly; the completion parses.
for page in "$root"/usr/share/man/man1/*.1.gz; do
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    [[ -z $warnings ]] || fail "man $(basename "$page"): $warnings"
done
bash -n "$root/usr/share/bash-completion/completions/taskhost" || fail "the bash completion does not parse"
echo "man pages and bash completion: clean"
