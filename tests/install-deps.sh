#!/usr/bin/env bash
# Installs what building and testing taskhost needs on Debian 12, and nothing when it is all there.
# Waits for the apt lock instead of failing when another install holds it.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config binutils
  libpoco-dev libssl-dev libpq-dev libsqlite3-dev
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev clang-format
  python3-jsonschema
  ansible-core puppet
  postgresql
  systemd
  prometheus lintian dpkg-dev file man-db
  curl time wrk python3-requests
  debootstrap
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
lock=(-o DPkg::Lock::Timeout=600)
"${sudo[@]}" apt-get "${lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
