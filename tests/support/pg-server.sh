#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: its own cluster in a directory, reachable only
# through a unix socket (no TCP), trust authentication for the role taskhost_test. ctest starts it
# as the fixture PostgreSQL (tests/support/CMakeLists.txt) and the tests connect through
# tests/support/postgres_database.h, one fresh database per test.
#
#   bash tests/support/pg-server.sh start DIR   # prints the socket directory as its last line
#   bash tests/support/pg-server.sh stop DIR    # stops the server, removes DIR; fine if gone
#
# start: stops and wipes any server a previous aborted run left in DIR, runs initdb and starts the
# server, waits until it accepts connections, and writes the socket directory to DIR/socket-dir.
# On failure it prints the tail of the server's log and exits non-zero.
#
# Layout: DIR/data (the cluster), DIR/socket (the socket directory), DIR/server.log. When the socket
# path would be too long for a unix socket (107 bytes), DIR has spaces or quotes (Poco's connector
# cannot take them in a connection string) or the server's user cannot reach DIR, the server lives
# in a mktemp -d directory under /tmp instead; DIR/base-dir then names it.
#
# Users: initdb refuses to run as root. Run as root, the server runs as the `postgres` system user
# (created by Debian's postgresql package; another with TASKHOST_PG_USER) through runuser, and owns
# its directories; otherwise it runs as the current user. The socket directory is 0700: the
# server's user and root (test processes running as root) can connect, nobody else.
#
# Binaries: the highest version under /usr/lib/postgresql/*/bin (Debian 12: `apt-get install
# postgresql`), or TASKHOST_PG_BINDIR, or initdb/pg_ctl on PATH.
#
# Durability: fsync, synchronous_commit and full_page_writes are off, for speed. Nothing in the
# suite depends on them: durability tests kill client processes (the daemon), never this server,
# and a server crash loses the whole throwaway cluster anyway. Sessions use UTC and the C locale
# (UTF8 encoding) so results do not depend on the machine.
set -euo pipefail

prog=pg-server.sh
role=taskhost_test
socket_name=.s.PGSQL.5432 # the default port: the socket is the only way in
max_socket_path=107       # sizeof(sockaddr_un.sun_path) - 1
marker=.taskhost-pg-server # in DIR: what stop may remove

usage() {
  sed -n '2,/^set -euo pipefail/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

die() {
  echo "$prog: $*" >&2
  exit 1
}

# The directory holding initdb and pg_ctl.
find_bindir() {
  if [ -n "${TASKHOST_PG_BINDIR:-}" ]; then
    [ -x "$TASKHOST_PG_BINDIR/initdb" ] || die "TASKHOST_PG_BINDIR=$TASKHOST_PG_BINDIR has no initdb"
    echo "$TASKHOST_PG_BINDIR"
    return
  fi
  local d best=
  while IFS= read -r d; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best=$d
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
  if [ -z "$best" ] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    best=$(dirname "$(command -v initdb)")
  fi
  [ -n "$best" ] || die "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin: run bash tests/install-deps.sh (it installs Debian's postgresql package)"
  echo "$best"
}

# as_server CMD...: runs CMD as the server's user (from /, which that user can always enter).
server_user=
as_server() {
  if [ -n "$server_user" ]; then
    (cd / && runuser -u "$server_user" -- "$@")
  else
    (cd / && "$@")
  fi
}

pick_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    server_user=${TASKHOST_PG_USER:-postgres}
    id -u "$server_user" >/dev/null 2>&1 ||
      die "running as root, and there is no '$server_user' user to run the server as (initdb refuses root): install Debian's postgresql package, which creates it, or set TASKHOST_PG_USER"
  fi
}

# Where the server of DIR lives: DIR itself, or the /tmp directory DIR/base-dir names.
base_of() {
  local dir=$1
  if [ -f "$dir/base-dir" ]; then
    cat "$dir/base-dir"
  else
    echo "$dir"
  fi
}

# The pid of the live postmaster of the cluster in DATA, if one runs: not a stale postmaster.pid
# (a pid reused by another program after a reboot, or a zombie a crashed run left).
live_postmaster() {
  local data=$1 pid stat state cmdline
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  state=${stat##*) }
  [ "${state%% *}" != Z ] || return 1
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ " $cmdline" == *" -D $data "* ]] || return 1
  echo "$pid"
}

# Stops the server of DIR if one runs (MODE: fast or immediate), then removes DIR and its base.
# Refuses a DIR this script did not make (it would remove it), unless it is empty.
stop_and_remove() {
  local dir=$1 mode=$2 base bindir pid
  [ -e "$dir" ] || return 0
  if [ ! -e "$dir/$marker" ] && [ -n "$(ls -A -- "$dir" 2>/dev/null)" ]; then
    die "$dir is not empty and was not made by $prog (no $marker): refusing to remove it"
  fi
  base=$(base_of "$dir")
  if pid=$(live_postmaster "$base/data"); then
    bindir=$(find_bindir)
    as_server "$bindir/pg_ctl" stop -D "$base/data" -m "$mode" -w -t 60 >/dev/null ||
      as_server "$bindir/pg_ctl" stop -D "$base/data" -m immediate -w -t 30 >/dev/null ||
      ! live_postmaster "$base/data" >/dev/null ||
      die "could not stop the server in $base/data (pid $pid)"
  fi
  case $base in
  "$dir") ;;
  /tmp/thpg.*) rm -rf -- "$base" ;;
  esac
  rm -rf -- "$dir"
}

# can_use_base DIR: whether the socket path fits, can go into a connection string as it is (Poco
# splits those at every space and knows no quotes) and the server's user can create files in DIR.
can_use_base() {
  local base=$1
  local socket_path=$base/socket/$socket_name
  [ ${#socket_path} -le $max_socket_path ] || return 1
  [[ $base != *[[:space:]\'\\]* ]] || return 1
  as_server test -w "$base" -a -x "$base"
}

start() {
  local dir=$1 bindir base data socket log
  bindir=$(find_bindir)
  stop_and_remove "$dir" immediate
  mkdir -p -- "$dir"
  chmod 0755 "$dir"
  echo "made by $prog: removed by '$prog stop'" >"$dir/$marker"
  [ -z "$server_user" ] || chown "$server_user:" "$dir"

  base=$dir
  if ! can_use_base "$base"; then
    base=$(mktemp -d /tmp/thpg.XXXXXX)
    [ -z "$server_user" ] || chown "$server_user:" "$base"
    echo "$base" >"$dir/base-dir"
    echo "$prog: $dir is too long for a socket path, has spaces or quotes, or is out of reach of the server's user: the server lives in $base" >&2
  fi
  data=$base/data
  socket=$base/socket
  log=$base/server.log

  as_server mkdir -m 0700 "$data" "$socket"
  if ! as_server "$bindir/initdb" -D "$data" --auth=trust -U "$role" --no-sync -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1; then
    tail -n 30 "$dir/initdb.log" >&2
    die "initdb failed (log above, in $dir/initdb.log)"
  fi
  cat >>"$data/postgresql.conf" <<EOF

# taskhost test server (tests/support/pg-server.sh): unix socket only, not durable.
listen_addresses = ''
unix_socket_directories = '$socket'
unix_socket_permissions = 0700
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
EOF
  if ! as_server "$bindir/pg_ctl" start -D "$data" -l "$log" -w -t 60 >/dev/null; then
    echo "$prog: the server did not start; the end of $log:" >&2
    tail -n 30 "$log" >&2 || true
    as_server "$bindir/pg_ctl" stop -D "$data" -m immediate >/dev/null 2>&1 || true
    exit 1
  fi
  if [ -x "$bindir/pg_isready" ] &&
    ! "$bindir/pg_isready" -q -h "$socket" -U "$role" -d postgres -t 30; then
    echo "$prog: the server started but does not accept connections on $socket; the end of $log:" >&2
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  echo "$socket" >"$dir/socket-dir"
  echo "$socket"
}

case "${1:-}" in
-h | --help | help)
  usage
  exit 0
  ;;
start | stop)
  if [ $# -ne 2 ] || [ -z "$2" ]; then
    usage >&2
    exit 2
  fi
  ;;
*)
  usage >&2
  exit 2
  ;;
esac

dir=$(realpath -m -- "$2")
[ "$dir" != / ] || die "refusing to use / as DIR"
pick_server_user
case $1 in
start) start "$dir" ;;
stop) stop_and_remove "$dir" fast ;;
esac
