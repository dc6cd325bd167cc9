#!/usr/bin/env bash
# The ledger benchmark (issue 8): how fast `taskhost apply` sends with its ledger, against the
# seed's curl command in a loop, in one run against one DigiCert sandbox, and what the ledger
# costs per task beside the request itself. Prints one table; the issue's target is apply with
# the SQLite ledger on disk at >= 40x the curl loop.
#
#   bash tests/bench/ledger_bench.sh [BUILD_DIR]    # BUILD_DIR: default build/
#   bash tests/bench/ledger_bench.sh --help
#
# Environment: TASKS (apply's tasks, default 1000), CURL_REQUESTS (the curl loop's requests,
# default 200), COST_TASKS (ledger_cost_bench's tasks per mode, default 400), DISK_RUNS (how
# many times the target's apply runs, its median counts, default 3), BENCH_DIR (where
# the on-disk state goes, default a directory under BUILD_DIR; refused on tmpfs), NO_PG=1 (skip
# PostgreSQL), NO_STRACE=1 (skip the fsync count). About 3 minutes on 2 cores with the defaults.
#
# Needs in BUILD_DIR: host/taskhost, plugin/digicert_dcv/digicert_dcv.so,
# tests/sandbox/digicert-sandbox and tests/bench/ledger_cost_bench, e.g.
#   cmake --build BUILD_DIR --target taskhost digicert_dcv digicert-sandbox ledger_cost_bench
# and curl; for the PostgreSQL rows Debian's postgresql (tests/support/pg-server.sh starts a
# throwaway server; a trap stops it); /usr/bin/time and strace when present.
#
# What runs, all against one sandbox with its own rate limits off, the account's "rate_limits"
# far above what is reached (1000000 per 1 s: pacing never waits, but every turn still goes
# through the ledger's shared budget), each apply on a fresh ledger (so every task is sent):
#   curl loop     CURL_REQUESTS sequential runs of the seed's `curl -X PUT .../dcv/emails` (a new
#                 process and TLS handshake each; the key from a 0600 header file, never argv),
#                 half before the applies and half after them, so that a change in the
#                 machine's load moves the reference too (both halves' rates are printed)
#   apply         a manifest of TASKS distinct domains (a generated sandbox fixture holds them)
#                 with the curl command's body (name_scope, locale, email_array) and
#                 "check_recipients": false, so that a task is one PUT like the curl command:
#                 --concurrency 16 (DISK_RUNS times, the median is the target's) and 8 with
#                 the SQLite ledger in a state dir on disk; 16 with
#                 it on tmpfs (/dev/shm); once with the plugin's default recipient check (a GET
#                 before each PUT); 16 on PostgreSQL, durable (fsync, synchronous_commit and
#                 full_page_writes turned on, as a production server) and as pg-server.sh runs
#                 it (all three off)
#   ledger cost   ledger_cost_bench (tests/bench/ledger_cost_bench.cpp) per backend, COST_TASKS
#                 identities from 16 threads: the journal's claim()+complete(), the shared
#                 pacing budget's await_room()+take()+complete() alone, and both together as
#                 apply makes them; "none" is the same loop without ledger calls. Beside it,
#                 the whole task inside apply: 1/apply-throughput.
#   fsyncs        strace -f -c -e fsync,fdatasync on one more apply (SQLite on disk, c16),
#                 apart from the timed runs
# Peak RSS is /usr/bin/time -v's, else VmHWM from /proc sampled while the apply runs. Exit 0
# when every run sent every task, 1 otherwise; the ratio is reported, not enforced (it is time).
set -euo pipefail

prog=ledger_bench.sh
usage() { sed -n '2,/^set -euo pipefail/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() {
  echo "$prog: $*" >&2
  exit 1
}

case "${1:-}" in
-h | --help) usage; exit 0 ;;
-*) usage >&2; exit 2 ;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(realpath -m -- "${1:-$root/build}")
tasks=${TASKS:-1000}
curl_requests=${CURL_REQUESTS:-200}
cost_tasks=${COST_TASKS:-400}
disk_runs=${DISK_RUNS:-3}
valid() { [[ $1 =~ ^[1-9][0-9]*$ ]] && [ "$1" -le "$2" ]; }
valid "$tasks" 10000 || die "TASKS must be 1..10000 (the sandbox's fixture limit)"
valid "$curl_requests" "$tasks" || die "CURL_REQUESTS must be 1..TASKS"
valid "$cost_tasks" 100000 || die "COST_TASKS must be 1..100000"
valid "$disk_runs" 9 || die "DISK_RUNS must be 1..9"

taskhost=$build/host/taskhost
plugin=$build/plugin/digicert_dcv/digicert_dcv.so
sandbox=$build/tests/sandbox/digicert-sandbox
cost_bench=$build/tests/bench/ledger_cost_bench
for f in "$taskhost" "$plugin" "$sandbox" "$cost_bench"; do
  [ -e "$f" ] || die "$f is missing: cmake --build $build --target taskhost digicert_dcv digicert-sandbox ledger_cost_bench"
done
command -v curl >/dev/null || die "curl is missing (apt-get install curl)"
have_time=0
[ -x /usr/bin/time ] && have_time=1

# --- directories: the on-disk one must not be tmpfs (the point is the fsync), the other must be.
fstype() { findmnt -n -o FSTYPE -T "$1" 2>/dev/null | head -n 1 || stat -f -c %T "$1"; }
disk_parent=${BENCH_DIR:-$build}
mkdir -p "$disk_parent"
case $(fstype "$disk_parent") in
tmpfs | ramfs) die "$disk_parent is on $(fstype "$disk_parent"): set BENCH_DIR to a directory on disk (e.g. /var/tmp)" ;;
esac
work=$(mktemp -d "$disk_parent/ledger-bench.XXXXXX")
shm=$(mktemp -d /dev/shm/ledger-bench.XXXXXX)
[ "$(fstype "$shm")" = tmpfs ] || echo "$prog: note: /dev/shm is not tmpfs here" >&2
sandbox_pid=""
pg_dir=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then
    kill "$sandbox_pid" 2>/dev/null && wait "$sandbox_pid" 2>/dev/null
  fi
  if [ -n "$pg_dir" ]; then
    bash "$root/tests/support/pg-server.sh" stop "$pg_dir" >/dev/null 2>&1 || true
  fi
  rm -rf -- "$work" "$shm"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the key: random, in 0600 files only; read into variables by builtins, never into argv.
umask 077
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/sandbox.key"
key=$(<"$work/sandbox.key")
printf 'X-DC-DEVKEY: %s\n' "$key" >"$work/curl-key.header"
unset key
umask 022

# --- the fixture: TASKS domains, ids from 8000000, names d<i>.bench.example.
first_id=8000000
{
  echo '{"domains": ['
  for ((i = 0; i < tasks; i++)); do
    printf '  {"id": %d, "name": "d%d.bench.example", "validated": false}%s\n' \
      $((first_id + i)) "$i" "$([ $i -lt $((tasks - 1)) ] && echo ,)"
  done
  echo ']}'
} >"$work/fixture.json"

# --- one sandbox for every run, its own limits off (0/1).
"$sandbox" --fixture "$work/fixture.json" --state-dir "$work/sandbox" \
  --api-key-file "$work/sandbox.key" --short-window 0/1 --long-window 0/1 \
  >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 100); do
  grep -q '"event":"ready"' "$work/sandbox.out" 2>/dev/null && break
  sleep 0.1
done
ready=$(grep '"event":"ready"' "$work/sandbox.out" | head -n 1) || true
[ -n "$ready" ] || { cat "$work/sandbox.err" >&2; die "the sandbox did not start"; }
base_url=$(sed -E 's/.*"base_url":"([^"]+)".*/\1/' <<<"$ready")
ca_file=$(sed -E 's/.*"ca_file":"([^"]+)".*/\1/' <<<"$ready")
accepted() { grep -c '"event":"resend_accepted"' "$work/sandbox.out" || true; }

mkdir -p "$work/plugins"
cp "$plugin" "$work/plugins/"

# write_config FILE STATE_DIR [LEDGER_JSON]
write_config() {
  local ledger=""
  [ -z "${3:-}" ] || ledger=",
  \"ledger\": $3"
  cat >"$1" <<JSON
{
  "plugin_dir": "$work/plugins",
  "state_dir": "$2",
  "accounts": {
    "bench": {"base_url": "$base_url", "ca_file": "$ca_file", "api_key_file": "$work/sandbox.key",
              "rate_limits": [{"requests": 1000000, "per_seconds": 1}]}
  }$ledger
}
JSON
}

# write_manifest FILE CHECK_RECIPIENTS(true|false)
write_manifest() {
  {
    printf '{"version": 1,\n "defaults": {"account": "bench", "resend_interval": "24h",\n'
    printf '  "params": {"locale": "en", "check_recipients": %s}},\n "tasks": [\n' "$2"
    for ((i = 0; i < tasks; i++)); do
      printf '  {"name": "d%d", "task": "digicert.dcv.resend", "params": {"domain_id": %d, "name_scope": "d%d.bench.example", "email_array": ["admin@d%d.bench.example"]}}%s\n' \
        "$i" $((first_id + i)) "$i" "$i" "$([ $i -lt $((tasks - 1)) ] && echo ,)"
    done
    printf ']}\n'
  } >"$1"
}
write_manifest "$work/manifest.json" false
write_manifest "$work/manifest-recipients.json" true

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
failures=0
rows=()

# --- the reference: the seed's curl command, sequentially. Half of the requests run first and
# half last, so that a change in the machine's load during the run moves both sides.
# curl_loop FIRST COUNT: requests for domains FIRST..FIRST+COUNT-1; adds to curl_ok, curl_s.
curl_ok=0
curl_s=0
curl_halves=()
curl_loop() {
  local first=$1 count=$2 i id name code started ended s
  started=$(now)
  for ((i = first; i < first + count; i++)); do
    id=$((first_id + i))
    name=d$i.bench.example
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$base_url/domain/$id/dcv/emails" \
      -H 'Content-Type: application/json' -H @"$work/curl-key.header" \
      --data "{\"name_scope\":\"$name\",\"locale\":\"en\",\"email_array\":[\"admin@$name\"]}" \
      --cacert "$ca_file") || code=000
    [ "$code" = 204 ] && curl_ok=$((curl_ok + 1))
  done
  ended=$(now)
  s=$(elapsed "$started" "$ended")
  curl_halves+=("$(rate "$count" "$s")")
  curl_s=$(awk -v a="$curl_s" -v b="$s" 'BEGIN { printf "%.3f", a + b }')
}

# peak_rss_mb TIME_FILE
peak_rss_mb() {
  awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1" 2>/dev/null
}

# apply_run LABEL CONFIG STATE_DIR CONCURRENCY MANIFEST: one timed apply on a fresh ledger;
# appends a row. The apply's own stdout (one JSON line per task) is counted, not printed.
apply_run() {
  local label=$1 config=$2 state=$3 conc=$4 manifest=$5 before sent ok rc=0 started ended s rss=""
  local out=$work/apply.out
  before=$(accepted)
  started=$(now)
  if [ "$have_time" = 1 ]; then
    /usr/bin/time -v -o "$work/time.txt" "$taskhost" apply "$manifest" --config "$config" \
      --state-dir "$state" --concurrency "$conc" --json >"$out" 2>"$work/apply.err" || rc=$?
    ended=$(now)
    rss=$(peak_rss_mb "$work/time.txt")
  else
    local pid hwm kb=0
    "$taskhost" apply "$manifest" --config "$config" --state-dir "$state" \
      --concurrency "$conc" --json >"$out" 2>"$work/apply.err" &
    pid=$!
    while hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) && [ -n "$hwm" ]; do
      kb=$hwm
      sleep 0.05
    done
    wait "$pid" || rc=$?
    ended=$(now)
    rss=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
  fi
  s=$(elapsed "$started" "$ended")
  sleep 0.2 # the sandbox's last lines
  sent=$(($(accepted) - before))
  ok=$(grep -c '"status":"succeeded"' "$out" || true)
  if [ "$rc" -ne 0 ] || [ "$ok" -ne "$tasks" ] || [ "$sent" -ne "$tasks" ]; then
    echo "$prog: $label: exit $rc, $ok of $tasks succeeded, the sandbox accepted $sent; stderr tail:" >&2
    tail -n 5 "$work/apply.err" >&2
    failures=$((failures + 1))
  fi
  local tps
  tps=$(rate "$tasks" "$s")
  rows+=("$label|$tasks|$conc|$s|$tps|${rss:-n/a}")
  last_tps=$tps
}

# cost_run LABEL APPLY_TPS CONFIG STATE_DIR [--backend none]: ledger_cost_bench's modes, one row.
cost_lines=()
field() { # field MODE KEY: KEY's value on ledger_cost_bench's line for MODE
  awk -v m="mode=$1" -v k="$2=" '$2 == m { for (i = 1; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' "$work/cost.out"
}
cost_run() {
  local label=$1 tps=$2 config=$3 state=$4
  shift 4
  if ! "$cost_bench" --config "$config" --state-dir "$state" --tasks "$cost_tasks" --threads 16 "$@" \
    >"$work/cost.out" 2>"$work/cost.err"; then
    echo "$prog: ledger_cost_bench ($label) failed:" >&2
    cat "$work/cost.out" "$work/cost.err" >&2
    failures=$((failures + 1))
    return 0
  fi
  local journal budget full per_commit full_commit apply_us
  journal=$(field journal us_per_task)
  budget=$(field budget us_per_task)
  full=$(field full us_per_task)
  per_commit=$(field journal writes_per_commit)
  full_commit=$(field full writes_per_commit)
  [ -n "$journal" ] || journal=$(field none us_per_task)
  apply_us=$(awk -v t="$tps" 'BEGIN { if (t > 0) printf "%.0f", 1e6 / t; else print "-" }')
  cost_lines+=("$(printf '%-26s %10s %10s %10s %10s %12s' "$label" "$apply_us" "${journal:--}" \
    "${budget:--}" "${full:--}" "${per_commit:--}/${full_commit:--}")")
}

echo "$prog: sandbox at $base_url (limits off); on-disk state under $work ($(fstype "$work")), tmpfs state under $shm" >&2
curl_first=$((curl_requests / 2))
echo "$prog: curl loop, first half ($curl_first requests)" >&2
curl_loop 0 "$curl_first"

echo "$prog: apply, SQLite on disk" >&2
write_config "$work/sqlite.json" "$work/state"
# The target's row is the median of DISK_RUNS runs: one 1000-task apply lasts under a second, and
# on a shared disk a few slow fsyncs move one run by 20%.
disk_tps=()
for ((run = 1; run <= disk_runs; run++)); do
  apply_run "apply, SQLite ledger on disk (run $run of $disk_runs)" "$work/sqlite.json" \
    "$work/state-d16-$run" 16 "$work/manifest.json"
  disk_tps+=("$last_tps")
done
sqlite_disk_tps=$(printf '%s\n' "${disk_tps[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
rows+=("apply, SQLite ledger on disk: median of $disk_runs|$tasks|16|-|$sqlite_disk_tps|-")
apply_run "apply, SQLite ledger on disk" "$work/sqlite.json" "$work/state-d8" 8 "$work/manifest.json"
echo "$prog: apply, SQLite on tmpfs" >&2
apply_run "apply, SQLite ledger on tmpfs (/dev/shm)" "$work/sqlite.json" "$shm/state-t16" 16 "$work/manifest.json"
sqlite_tmpfs_tps=$last_tps
apply_run "apply, SQLite on disk, recipient check (GET+PUT)" "$work/sqlite.json" "$work/state-r16" 16 "$work/manifest-recipients.json"

pg_ok=0
if [ "${NO_PG:-0}" != 1 ]; then
  pg_dir=$work/pg
  chmod 0711 "$work" # the server's user (postgres, when run as root) must reach $pg_dir
  if socket_dir=$(bash "$root/tests/support/pg-server.sh" start "$pg_dir" 2>"$work/pg.err" | tail -n 1) &&
    [ -n "$socket_dir" ]; then
    pg_ok=1
    pg_fs=$(fstype "$(cat "$pg_dir/base-dir" 2>/dev/null || echo "$pg_dir")")
  else
    echo "$prog: PostgreSQL did not start (NO_PG=1 skips it):" >&2
    cat "$work/pg.err" >&2
    failures=$((failures + 1))
  fi
fi
psql_run() { psql -X -q -h "$socket_dir" -U taskhost_test -d postgres -v ON_ERROR_STOP=1 "$@" >/dev/null; }
# pg_config NAME: a fresh database and a config naming it, migrated.
pg_config() {
  psql_run -c "CREATE DATABASE $1"
  write_config "$work/$1.json" "$work/state-$1" \
    "{\"postgresql\": {\"host\": \"$socket_dir\", \"dbname\": \"$1\", \"user\": \"taskhost_test\", \"sslmode\": \"disable\"}}"
  "$taskhost" ledger migrate --config "$work/$1.json" >/dev/null
}
if [ "$pg_ok" = 1 ]; then
  echo "$prog: apply, PostgreSQL (durable, then fsync off)" >&2
  # pg-server.sh runs the server with fsync, synchronous_commit and full_page_writes off; a
  # production server has them on, so the durable rows turn them back on first.
  psql_run -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET synchronous_commit = on" \
    -c "ALTER SYSTEM SET full_page_writes = on" -c "SELECT pg_reload_conf()"
  sleep 0.5
  pg_config bench_durable
  apply_run "apply, PostgreSQL ledger (durable, $pg_fs)" "$work/bench_durable.json" "$work/state-pg1" 16 "$work/manifest.json"
  pg_config bench_durable_cost
  cost_run "PostgreSQL (durable)" "$last_tps" "$work/bench_durable_cost.json" "$work/state-pgc1"
  psql_run -c "ALTER SYSTEM SET fsync = off" -c "ALTER SYSTEM SET synchronous_commit = off" \
    -c "ALTER SYSTEM SET full_page_writes = off" -c "SELECT pg_reload_conf()"
  sleep 0.5
  pg_config bench_fast
  apply_run "apply, PostgreSQL ledger (fsync off)" "$work/bench_fast.json" "$work/state-pg2" 16 "$work/manifest.json"
  pg_config bench_fast_cost
  cost_run "PostgreSQL (fsync off)" "$last_tps" "$work/bench_fast_cost.json" "$work/state-pgc2"
fi

echo "$prog: ledger cost per task (ledger_cost_bench)" >&2
cost_run "none (no ledger calls)" 0 "$work/sqlite.json" "$work/cost-none" --backend none
cost_run "SQLite on disk" "$sqlite_disk_tps" "$work/sqlite.json" "$work/cost-disk"
cost_run "SQLite on tmpfs" "$sqlite_tmpfs_tps" "$work/sqlite.json" "$shm/cost-tmpfs"

fsync_line="fsyncs: not counted (NO_STRACE=1 or no strace)"
if [ "${NO_STRACE:-0}" != 1 ] && command -v strace >/dev/null; then
  echo "$prog: counting fsyncs (strace, one more apply, not timed)" >&2
  before=$(accepted)
  if strace -f -c -e trace=fsync,fdatasync -o "$work/strace.txt" "$taskhost" apply "$work/manifest.json" \
    --config "$work/sqlite.json" --state-dir "$work/state-strace" --concurrency 16 --json \
    >/dev/null 2>"$work/strace-apply.err"; then
    calls=$(awk '$NF == "fsync" || $NF == "fdatasync" { n += $4 } END { print n + 0 }' "$work/strace.txt")
    fsync_line=$(awk -v c="$calls" -v t="$tasks" 'BEGIN { printf "fsyncs: %d fsync+fdatasync calls for %d tasks (SQLite on disk, c16): %.2f per task", c, t, c / t }')
    fsync_line+=" ($(awk '$NF == "fsync" || $NF == "fdatasync" { printf "%s%s %s", n++ ? ", " : "", $NF, $4 }' "$work/strace.txt"))"
  else
    fsync_line="fsyncs: the strace'd apply failed: $(tail -n 1 "$work/strace-apply.err")"
  fi
fi

echo "$prog: curl loop, second half ($((curl_requests - curl_first)) requests)" >&2
curl_loop "$curl_first" $((curl_requests - curl_first))
curl_rate=$(rate "$curl_requests" "$curl_s")
if [ "$curl_ok" -ne "$curl_requests" ]; then
  echo "$prog: the curl loop got $curl_ok of $curl_requests 204s" >&2
  failures=$((failures + 1))
fi
ratio() { awk -v a="$1" -v b="$curl_rate" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

sqlite_ratio=$(awk -v a="$sqlite_disk_tps" -v b="$curl_rate" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')
echo
echo "ledger_bench: one sandbox (limits off), account rate_limits 1000000/1s, $(nproc) CPUs, $(date -u +%FT%TZ)"
printf '%-50s %6s %5s %8s %9s %8s %8s\n' "run (curl: requests, apply: tasks)" "n" "conc" "wall_s" "per_s" "x_curl" "rss_MB"
printf '%-50s %6s %5s %8s %9s %8s %8s\n' "curl loop (seed command, sequential)" "$curl_requests" 1 "$curl_s" "$curl_rate" "1.0x" "-"
for row in "${rows[@]}"; do
  IFS='|' read -r label n conc s tps rss <<<"$row"
  printf '%-50s %6s %5s %8s %9s %8s %8s\n' "$label" "$n" "$conc" "$s" "$tps" "$(ratio "$tps")x" "$rss"
done
echo "(the curl loop's halves, first and last: ${curl_halves[0]} and ${curl_halves[1]:-?} requests/s)"
echo
echo "ledger cost per task: ledger_cost_bench, $cost_tasks tasks from 16 threads, wall us per task"
echo "(amortised: what it takes from a run's throughput); apply_us = 1/apply throughput (c16):"
echo "journal = claim+complete, budget = shared pacing budget alone (await_room+take+complete),"
echo "full = both as apply makes them; w/commit = writes per group commit (journal/full; on SQLite"
echo "only a commit with an intent waits for an fsync of the WAL)"
printf '%-26s %10s %10s %10s %10s %12s\n' "backend" "apply_us" "journal" "budget" "full" "w/commit"
for row in "${cost_lines[@]}"; do echo "$row"; done
echo "$fsync_line"
echo "target: apply with the SQLite ledger on disk (median of $disk_runs) >= 40x the curl loop: ${sqlite_ratio}x ($(awk -v r="$sqlite_ratio" 'BEGIN { print ((r >= 40) ? "reached" : "not reached") }'))"
[ "$failures" -eq 0 ] || { echo "$prog: $failures run(s) did not send every task (see above)" >&2; exit 1; }
