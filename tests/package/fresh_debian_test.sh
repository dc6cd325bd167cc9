#!/bin/bash
# PackageFreshDebian (issue 11's done-when): on a fresh Debian 12 machine, the .deb installs
# with apt-get, and with an account pointing at the DigiCert sandbox the service, started by
# systemd through socket activation, answers on its socket and resends; purge removes it all.
#
# The machine: a minimal debootstrap of bookworm (plus systemd, which a minbase lacks), booted
# with its own systemd as PID 1 in new PID, mount, UTS and IPC namespaces (unshare + chroot; no
# container engine). It shares the host's network, so it reaches the sandbox on loopback and
# Debian's mirrors. Its base is cached as a tarball in the build dir; every run unpacks a new
# copy, so every run is a fresh machine. About 3 minutes the first time (debootstrap and the
# Poco packages come from the mirror), about 1 minute after.
#   fresh_debian_test.sh BUILD_DIR VERSION SANDBOX FIXTURE
# Needs root, debootstrap, unshare and nsenter (util-linux), and Debian's mirror. Exits 77
# (skipped) only when not root, with the reason.
source "$(dirname "$0")/package_lib.sh"
build=$1 version=$2 sandbox=$3 fixture=$4
canary="CANARY-KEY-5e1d0b"

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (debootstrap, namespaces)"; exit 77; }
for tool in debootstrap unshare nsenter; do
    command -v "$tool" >/dev/null || fail "$tool is missing (tests/install-deps.sh installs it)"
done

# ---- the base system, cached -------------------------------------------------------------
# systemd without dbus (only Recommended): systemctl speaks to PID 1 over its private socket, and
# dbus-daemon cannot start in these namespaces (it times out activating systemd1).
extra=systemd,systemd-sysv
base_tar=$build/fresh-debian/bookworm-minbase-${extra//,/-}.tar
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [[ ! -s $base_tar ]]; then
    mkdir -p "$build/fresh-debian"
    staging=$(mktemp -d "$build/fresh-debian/staging.XXXXXX")
    echo "debootstrap bookworm (minbase + systemd) from $mirror"
    if ! debootstrap --variant=minbase --include=$extra bookworm "$staging" \
        "$mirror" >"$PACKAGE_TMP/debootstrap.log" 2>&1; then
        tail -n 30 "$PACKAGE_TMP/debootstrap.log" >&2
        rm -rf "$staging"
        fail "debootstrap failed (above)"
    fi
    tar -C "$staging" -cf "$base_tar.part" . && mv "$base_tar.part" "$base_tar"
    rm -rf "$staging"
fi
root=$PACKAGE_TMP/machine
mkdir -m 0755 "$root"  # the machine's /: every user must be able to enter it
tar -C "$root" -xf "$base_tar"
chmod 0755 "$root"  # tar gave it the staging directory's 0700
# A real Debian 12 machine's apt sources (security updates included): the host's own, since the
# package's Depends come from the host's library versions.
rm -f "$root/etc/apt/sources.list"
cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/" 2>/dev/null || true
if [[ -f /etc/apt/sources.list ]]; then cp /etc/apt/sources.list "$root/etc/apt/sources.list"; fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The installer writes /etc/hosts; debootstrap does not (the sandbox's base_url names localhost).
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"

# ---- the package -------------------------------------------------------------------------
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$PACKAGE_TMP/out" >"$PACKAGE_TMP/cpack.log" 2>&1 ||
    { cat "$PACKAGE_TMP/cpack.log" >&2; fail "cpack -G DEB failed"; }
deb=taskhost_${version}_$(dpkg --print-architecture).deb
cp "$PACKAGE_TMP/out/$deb" "$root/root/$deb"

# ---- boot ----------------------------------------------------------------------------------
# The machine's root becomes a mount of its own and the root of a new mount namespace
# (pivot_root, not a bare chroot), as on a real machine: systemd sets up the units' sandboxes
# (ProtectSystem, PrivateTmp, ...) by remounting below /, which fails with 226/NAMESPACE when /
# is only a chroot's directory.
cat >"$root/sbin/fresh-boot" <<'BOOT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys || mount --rbind /.host-root/sys /sys
umount -l /.host-root
rmdir /.host-root
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
exec /lib/systemd/systemd --system --log-target=console --log-level=notice
BOOT
chmod 0755 "$root/sbin/fresh-boot"
mkdir "$root/.host-root"
unshare --pid --fork --kill-child --mount --uts --ipc --propagation private \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin container=taskhost-test TERM=dumb MACHINE="$root" \
    sh -c 'mount --bind "$MACHINE" "$MACHINE" && cd "$MACHINE" && pivot_root . .host-root &&
           exec chroot . /sbin/fresh-boot' >"$PACKAGE_TMP/boot.log" 2>&1 &
unshare_pid=$!
init_pid=
stop_machine() {
    [[ -n $init_pid ]] && kill -KILL "$init_pid" 2>/dev/null
    kill "$unshare_pid" 2>/dev/null
    wait "$unshare_pid" 2>/dev/null || true
    [[ -n ${sandbox_pid:-} ]] && kill "$sandbox_pid" 2>/dev/null
    # The machine's mounts lived in its own mount namespace: none is left under $root here.
    if grep -q " $root/" /proc/self/mounts; then fail "a mount under $root outlived the machine"; fi
    rm -rf "$PACKAGE_TMP"
}
trap stop_machine EXIT
for _ in $(seq 1 100); do
    init_pid=$(pgrep -P "$unshare_pid" -x systemd || true)
    [[ -n $init_pid ]] && break
    sleep 0.1
done
[[ -n $init_pid ]] || { cat "$PACKAGE_TMP/boot.log" >&2; fail "systemd did not start in the machine"; }

# in_machine CMD...: runs CMD as root inside the machine (its namespaces, root and /root).
# Each is bounded: a service that fails to start behind its socket leaves a client waiting.
in_machine() { timeout 120 nsenter -t "$init_pid" -m -p -u -i -r -w env -i HOME=/root \
    PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

state=
for _ in $(seq 1 300); do
    state=$(in_machine systemctl is-system-running 2>/dev/null || true)
    [[ $state == running || $state == degraded ]] && break
    sleep 0.2
done
[[ $state == running || $state == degraded ]] ||
    { cat "$PACKAGE_TMP/boot.log" >&2; fail "the machine did not finish booting ($state)"; }
echo "machine booted: systemd $(in_machine systemctl --version | head -n 1 | cut -d' ' -f2), $state"

# ---- install, as the README says (without Recommends: the Depends alone must suffice) --------
if ! in_machine sh -c "cd /root && apt-get update -q && apt-get install -y -q --no-install-recommends ./$deb" \
    >"$PACKAGE_TMP/apt.log" 2>&1; then
    tail -n 40 "$PACKAGE_TMP/apt.log" >&2
    fail "apt-get install ./$deb failed on the fresh machine (above)"
fi
echo "apt-get install ./$deb: ok ($(grep -c '^Setting up' "$PACKAGE_TMP/apt.log") packages set up)"
in_machine taskhost --version || fail "the installed taskhost does not run"
in_machine getent passwd taskhost | grep -q ':/var/lib/taskhost:/usr/sbin/nologin$' ||
    fail "no system user taskhost with home /var/lib/taskhost and nologin"
in_machine getent group taskhost >/dev/null || fail "no group taskhost"
for dir in "/etc/taskhost 750 root:taskhost" "/var/lib/taskhost 750 taskhost:taskhost" \
    "/var/log/taskhost 750 taskhost:taskhost"; do
    set -- $dir
    [[ $(in_machine stat -c '%a %U:%G' "$1") == "$2 $3" ]] ||
        fail "$1 is $(in_machine stat -c '%a %U:%G' "$1"), not $2 $3"
done
[[ $(in_machine systemctl is-enabled taskhost.socket || true) == disabled ]] ||
    fail "the package enabled taskhost.socket before it was configured"
[[ $(in_machine systemctl is-active taskhost.service || true) == inactive ]] ||
    fail "the package started taskhost.service before it was configured"
in_machine systemd-analyze verify --man=no taskhost.socket taskhost.service >"$PACKAGE_TMP/verify.log" 2>&1 ||
    { cat "$PACKAGE_TMP/verify.log" >&2; fail "systemd-analyze verify refused the installed units"; }
# (--man=no: a minimal machine has no man; PackageUnits checks the Documentation= pages.)
grep -i taskhost "$PACKAGE_TMP/verify.log" >&2 && fail "systemd-analyze verify warned (above)"
echo "installed: user, group, directories; units verified, neither enabled nor started"

# ---- configure: an account pointing at the sandbox on the host's loopback --------------------
(umask 077; printf '%s\n' "$canary" >"$PACKAGE_TMP/sandbox.key")
"$sandbox" --fixture "$fixture" --state-dir "$PACKAGE_TMP/sandbox" \
    --api-key-file "$PACKAGE_TMP/sandbox.key" >"$PACKAGE_TMP/sandbox.out" 2>"$PACKAGE_TMP/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 300); do grep -q '"event":"ready"' "$PACKAGE_TMP/sandbox.out" && break; sleep 0.1; done
ready=$(grep '"event":"ready"' "$PACKAGE_TMP/sandbox.out" | head -n 1) || fail "the sandbox did not start"
base_url=$(sed -E 's/.*"base_url":"([^"]+)".*/\1/' <<<"$ready")
install -D -m 0644 "$(sed -E 's/.*"ca_file":"([^"]+)".*/\1/' <<<"$ready")" \
    "$root/etc/taskhost/sandbox-ca.pem"
in_machine install -d -m 0750 -o taskhost -g taskhost /etc/taskhost/keys
in_machine install -m 0600 -o taskhost -g taskhost /dev/stdin /etc/taskhost/keys/sandbox.key \
    <"$PACKAGE_TMP/sandbox.key"
# The packaged example config, with its account pointed at the sandbox.
sed -e 's#"prod-us"#"sandbox"#' -e "s#\"region\": \"us\"#\"base_url\": \"$base_url\", \"ca_file\": \"/etc/taskhost/sandbox-ca.pem\"#" \
    -e 's#/etc/taskhost/keys/prod-us.key#/etc/taskhost/keys/sandbox.key#' \
    "$root/usr/share/doc/taskhost/examples/config.json" >"$root/etc/taskhost/config.json"
grep -q "\"base_url\": \"$base_url\"" "$root/etc/taskhost/config.json" ||
    fail "the packaged example config no longer has the shape this test edits"
in_machine chgrp taskhost /etc/taskhost/config.json
in_machine chmod 0640 /etc/taskhost/config.json

# ---- socket activation: the socket listens, the first connection starts the service ---------
in_machine systemctl enable --now taskhost.socket >"$PACKAGE_TMP/enable.log" 2>&1 ||
    { cat "$PACKAGE_TMP/enable.log" >&2; fail "systemctl enable --now taskhost.socket failed"; }
[[ $(in_machine systemctl is-active taskhost.socket) == active ]] || fail "taskhost.socket is not active"
[[ $(in_machine stat -c '%a %U:%G %F' /run/taskhost/taskhost.sock) == "660 root:taskhost socket" ]] ||
    fail "the socket is $(in_machine stat -c '%a %U:%G %F' /run/taskhost/taskhost.sock)"
[[ $(in_machine systemctl is-active taskhost.service || true) == inactive ]] ||
    fail "taskhost.service started before any connection"
sock=/run/taskhost/taskhost.sock
in_machine taskhost status --socket "$sock" >"$PACKAGE_TMP/status.txt" 2>&1 ||
    { cat "$PACKAGE_TMP/status.txt" >&2; in_machine journalctl -u taskhost --no-pager | tail -n 30 >&2
      fail "taskhost status through the socket failed (the service's journal above)"; }
sed 's/^/status: /' "$PACKAGE_TMP/status.txt"
[[ $(in_machine systemctl is-active taskhost.service) == active ]] ||
    fail "the connection did not leave taskhost.service active"
main_pid=$(in_machine systemctl show -P MainPID taskhost.service)
[[ $(in_machine ps -o user= -p "$main_pid") == taskhost ]] || fail "the service does not run as taskhost"
in_machine systemctl show -P StatusText taskhost.service | grep -q '^serving: 1 plugin' ||
    fail "no sd_notify STATUS: '$(in_machine systemctl show -P StatusText taskhost.service)'"
echo "socket activation: taskhost.service started by the first connection, pid $main_pid as taskhost"

# ---- a resend through the service, and one after a reload (SIGHUP) ---------------------------
resend() {  # resend DOMAIN_ID NAME: a resend through the daemon; prints its outcome
    in_machine taskhost run digicert.dcv.resend domain_id="$1" name_scope="$2" \
        email_array="admin@$2" --account sandbox --socket "$sock"
}
resend 1234567 example.com >"$PACKAGE_TMP/run1.json" || { cat "$PACKAGE_TMP/run1.json" >&2; fail "the resend failed"; }
grep -q '"changed":true' "$PACKAGE_TMP/run1.json" || fail "the resend was not sent: $(cat "$PACKAGE_TMP/run1.json")"
in_machine systemctl reload taskhost.service || fail "systemctl reload taskhost failed"
resend 1234569 example.net >"$PACKAGE_TMP/run2.json" || { cat "$PACKAGE_TMP/run2.json" >&2; fail "the resend after reload failed"; }
sleep 0.2
accepted=$(grep -c '"event":"resend_accepted"' "$PACKAGE_TMP/sandbox.out" || true)
[[ $accepted -eq 2 ]] || fail "the sandbox accepted $accepted resends, not 2"
[[ $(in_machine systemctl show -P MainPID taskhost.service) == "$main_pid" ]] ||
    fail "the reload restarted the service instead of reloading it"
echo "resends through the service: 2 accepted by the sandbox (one after systemctl reload)"
in_machine journalctl -u taskhost.service --no-pager -o cat >"$PACKAGE_TMP/journal.txt"
grep -q 'ready' "$PACKAGE_TMP/journal.txt" || fail "the journal has no ready line"
for f in "$PACKAGE_TMP/journal.txt" "$PACKAGE_TMP/run1.json" "$PACKAGE_TMP/status.txt"; do
    grep -q "$canary" "$f" && fail "the API key appears in $(basename "$f")"
done
in_machine grep -rq "$canary" /var/log/taskhost /var/lib/taskhost && fail "the API key is in the logs or state"

# ---- stop and purge ----------------------------------------------------------------------
in_machine systemctl disable --now taskhost.socket taskhost.service >/dev/null 2>&1 ||
    fail "systemctl disable --now failed"
in_machine sh -c 'apt-get purge -y -q taskhost' >"$PACKAGE_TMP/purge.log" 2>&1 ||
    { tail -n 20 "$PACKAGE_TMP/purge.log" >&2; fail "apt-get purge taskhost failed"; }
in_machine getent passwd taskhost >/dev/null && fail "purge left the user taskhost"
in_machine getent group taskhost >/dev/null && fail "purge left the group taskhost"
for dir in /etc/taskhost /var/lib/taskhost /var/log/taskhost /usr/lib/taskhost; do
    in_machine test -e "$dir" && fail "purge left $dir"
done
echo "apt-get purge taskhost: user, group and directories removed"
