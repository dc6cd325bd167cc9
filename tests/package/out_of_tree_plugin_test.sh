#!/bin/bash
# PackageOutOfTreePlugin: a plugin author's view. tests/package/example_plugin is configured and
# built on its own, against the include/ of a DESTDIR install and nothing of this tree; the
# installed taskhost then loads it (through the installed probe) and runs its task.
#   out_of_tree_plugin_test.sh BUILD_DIR EXAMPLE_PLUGIN_SOURCE_DIR [CMAKE_GENERATOR]
source "$(dirname "$0")/package_lib.sh"
build=$1 example=$2 generator=${3:-Ninja}
root=$PACKAGE_TMP/root
install_into "$build" "$root"

# A copy of the plugin's source outside this tree, so nothing of it can reach back in.
cp -r "$example" "$PACKAGE_TMP/src"
cmake -S "$PACKAGE_TMP/src" -B "$PACKAGE_TMP/plugin-build" -G "$generator" \
    -DCMAKE_BUILD_TYPE=Release -DTASKHOST_PREFIX="$root/usr" >"$PACKAGE_TMP/configure.log" 2>&1 ||
    { cat "$PACKAGE_TMP/configure.log" >&2; fail "the example plugin does not configure against the install"; }
grep -q "TASKHOST_INCLUDE_DIR:PATH=$root/usr/include\$" "$PACKAGE_TMP/plugin-build/CMakeCache.txt" ||
    fail "the example plugin did not take its headers from the installed include/"
cmake --build "$PACKAGE_TMP/plugin-build" >"$PACKAGE_TMP/build.log" 2>&1 ||
    { cat "$PACKAGE_TMP/build.log" >&2; fail "the example plugin does not build against the installed headers"; }

plugins=$PACKAGE_TMP/plugins
install -d -m 0755 "$plugins"
install -m 0644 "$PACKAGE_TMP/plugin-build/hello_plugin.so" "$plugins/"
mkdir -m 0700 "$PACKAGE_TMP/state"
cat >"$PACKAGE_TMP/config.json" <<JSON
{"plugin_dir": "$plugins", "state_dir": "$PACKAGE_TMP/state",
 "accounts": {"local": {"api_key_env": "HELLO_PLUGIN_KEY"}}}
JSON
taskhost=$root/usr/bin/taskhost
env -u TASKHOST_PLUGIN_PROBE "$taskhost" plugins --config "$PACKAGE_TMP/config.json" \
    >"$PACKAGE_TMP/plugins.txt" 2>&1 || { cat "$PACKAGE_TMP/plugins.txt" >&2; fail "taskhost plugins failed"; }
cat "$PACKAGE_TMP/plugins.txt"
grep -q '^plugin hello_plugin 1.0.0 (ABI 1)' "$PACKAGE_TMP/plugins.txt" ||
    fail "the installed taskhost does not list hello_plugin"
grep -qi 'refused' "$PACKAGE_TMP/plugins.txt" && fail "the installed taskhost refused a plugin"

outcome=$(HELLO_PLUGIN_KEY=unused env -u TASKHOST_PLUGIN_PROBE "$taskhost" run hello.greet \
    --config "$PACKAGE_TMP/config.json") || fail "taskhost run hello.greet failed: $outcome"
echo "$outcome"
grep -q '"msg":"hello from an out-of-tree plugin"' <<<"$outcome" || fail "hello.greet did not answer"
