#!/bin/bash
# PackageDeb: cpack builds taskhost_VERSION_ARCH.deb and taskhost-dbg_VERSION_ARCH.deb; the
# first's control file names the version, the Poco runtime packages (from dpkg-shlibdeps) and
# adduser; it holds the whole layout with the binaries stripped, the maintainer scripts and the
# conffiles; the -dbg one holds the plugin's debug info; and lintian reports nothing on either
# that is not overridden (with its reason) in host/dist/lintian-overrides.
#   deb_test.sh BUILD_DIR VERSION
source "$(dirname "$0")/package_lib.sh"
build=$1 version=$2

# Its own package directory (cpack's staging goes there too), so tests may run in parallel.
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$PACKAGE_TMP/out" >"$PACKAGE_TMP/cpack.log" 2>&1 ||
    { cat "$PACKAGE_TMP/cpack.log" >&2; fail "cpack -G DEB failed"; }
arch=$(dpkg --print-architecture)
deb=$PACKAGE_TMP/out/taskhost_${version}_${arch}.deb
dbg=$PACKAGE_TMP/out/taskhost-dbg_${version}_${arch}.deb
for made in "$deb" "$dbg"; do
    [[ -f $made ]] || { ls "$PACKAGE_TMP/out" >&2; fail "cpack made no $(basename "$made")"; }
    echo "built $(basename "$made") ($(stat -c %s "$made") bytes)"
done

field() { dpkg-deb -f "$deb" "$1"; }
[[ $(field Package) == taskhost ]] || fail "Package is '$(field Package)'"
[[ $(field Version) == "$version" ]] || fail "Version is '$(field Version)', not $version"
depends=$(field Depends)
echo "Depends: $depends"
for needed in adduser procps libpocofoundation80 libpoconet80 libpoconetssl80 libpocojson80 \
    libpocodata80 libpocodatasqlite80 libpocodatapostgresql80 libpococrypto80 libssl3 libc6 libstdc++6; do
    sed 's/, /\n/g; s/ ([^)]*)//g' <<<"$depends" | grep -qxF "$needed" || fail "Depends does not name $needed"
done

# The contents: every file of the layout, owned by root, the units and /etc included.
dpkg-deb -c "$deb" >"$PACKAGE_TMP/contents.txt"
for path in ./usr/bin/taskhost ./usr/bin/taskhost-plugin-probe \
    ./usr/lib/taskhost/plugins/digicert_dcv.so ./usr/lib/taskhost/ledger-postgresql.so \
    ./usr/include/taskhost/plugin.h ./usr/include/taskhost/plugin_sdk.hpp \
    ./usr/lib/systemd/system/taskhost.service ./usr/lib/systemd/system/taskhost.socket \
    ./etc/logrotate.d/taskhost ./usr/share/man/man1/taskhost.1.gz \
    ./usr/share/bash-completion/completions/taskhost ./usr/share/doc/taskhost/copyright \
    ./usr/share/doc/taskhost/examples/config.json ./usr/share/taskhost/manifests/manifest.schema.json; do
    grep -q " $path\$" "$PACKAGE_TMP/contents.txt" || fail "the package lacks $path"
done
grep -q '/usr/lib/debug/' "$PACKAGE_TMP/contents.txt" && fail "the debug info is in taskhost, not taskhost-dbg"
dpkg-deb -c "$dbg" >"$PACKAGE_TMP/dbg-contents.txt"
grep -q ' ./usr/lib/debug/usr/lib/taskhost/plugins/digicert_dcv.so.debug$' "$PACKAGE_TMP/dbg-contents.txt" ||
    fail "taskhost-dbg lacks the plugin's debug info"
[[ $(dpkg-deb -f "$dbg" Depends) == "taskhost (= $version)" ]] ||
    fail "taskhost-dbg does not depend on taskhost (= $version): $(dpkg-deb -f "$dbg" Depends)"
if cat "$PACKAGE_TMP/contents.txt" "$PACKAGE_TMP/dbg-contents.txt" | awk '$2 != "root/root"' | grep . >&2; then
    fail "the packages hold files not owned by root/root (above)"
fi

# The binaries are stripped in the package (CPACK_STRIP_FILES), the plugin keeps its debuglink.
dpkg-deb -x "$deb" "$PACKAGE_TMP/x"
for binary in usr/bin/taskhost usr/bin/taskhost-plugin-probe usr/lib/taskhost/plugins/digicert_dcv.so \
    usr/lib/taskhost/ledger-postgresql.so; do
    section_names "$PACKAGE_TMP/x/$binary" | grep -qx '.debug_info' && fail "$binary is not stripped in the package"
done
section_names "$PACKAGE_TMP/x/usr/lib/taskhost/plugins/digicert_dcv.so" | grep -qx '.gnu_debuglink' ||
    fail "the packaged digicert_dcv.so lost its .gnu_debuglink"

# The maintainer scripts and the conffiles.
dpkg-deb -e "$deb" "$PACKAGE_TMP/control"
for script in postinst prerm postrm; do
    [[ -x $PACKAGE_TMP/control/$script ]] || fail "the package has no executable $script"
    sh -n "$PACKAGE_TMP/control/$script" || fail "$script does not parse"
done
grep -q 'adduser --system' "$PACKAGE_TMP/control/postinst" || fail "postinst does not create the system user"
grep -q 'deluser --system' "$PACKAGE_TMP/control/postrm" || fail "postrm does not remove the system user on purge"
grep -Eq 'systemctl .*(enable|start)|deb-systemd-helper enable|deb-systemd-invoke start' \
    "$PACKAGE_TMP/control/postinst" && fail "postinst enables or starts the service before it is configured"
[[ $(cat "$PACKAGE_TMP/control/conffiles") == "/etc/logrotate.d/taskhost" ]] ||
    fail "conffiles is not exactly /etc/logrotate.d/taskhost: $(cat "$PACKAGE_TMP/control/conffiles")"
echo "control files: $(ls "$PACKAGE_TMP/control" | tr '\n' ' ')"

# lintian: every tag it still shows (errors, warnings, info) must be overridden, with a reason,
# in the packaged override file (listed here; --show-overrides would make lintian fail).
lintian_out=$PACKAGE_TMP/lintian.txt
status=0
lintian --display-info --fail-on error,warning,info "$deb" "$dbg" >"$lintian_out" 2>&1 || status=$?
if [[ $status -ne 0 ]] || grep -E '^[EWI]: ' "$lintian_out" >/dev/null; then
    cat "$lintian_out" >&2
    fail "lintian reports tags that host/dist/lintian-overrides does not explain (above)"
fi
grep -Ev '^(#|$)' "$PACKAGE_TMP/x/usr/share/lintian/overrides/taskhost" | sed 's/^/lintian override: /'
echo "lintian: clean (with the overrides above)"
