# Shared by the package tests: a private temp dir removed on exit, failures that say why, and
# a `cmake --install` of the build tree into a DESTDIR of that test's own.

set -euo pipefail

PACKAGE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/taskhost-package.XXXXXX")
trap 'rm -rf "$PACKAGE_TMP"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# install_into BUILD_DIR DESTDIR: the /usr layout the package ships, into DESTDIR.
install_into() {
    DESTDIR=$2 cmake --install "$1" --prefix /usr >"$PACKAGE_TMP/install.log" 2>&1 ||
        { cat "$PACKAGE_TMP/install.log" >&2; fail "cmake --install $1 into $2 failed"; }
}

# section_names FILE: the ELF section names of FILE, one a line.
section_names() {
    readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p'
}
