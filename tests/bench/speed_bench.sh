#!/usr/bin/env bash
# The speed benchmark (issue 12): every way of sending the seed's DCV resend, in one run against
# one DigiCert sandbox (limits off; only the paced apply gets a second one, enforcing them), as
# one table: tasks/s, the ratio to the seed's curl loop, peak RSS and TLS handshakes per 1000
# tasks (the sandbox's connection counter), and the issue's target per row. About 3.5 minutes on
# 2 cores with the defaults.
#
#   bash tests/bench/speed_bench.sh [--short] [BUILD_DIR]    # BUILD_DIR: default build/
#   bash tests/bench/speed_bench.sh --help
#
# --short: small counts (the ctest test speed_bench_short, under 90 s on 2 cores); its numbers
# are printed, not judged. Environment (full defaults / --short defaults):
#   CURL_REQUESTS 200/20   the seed's curl command, sequential (half first, half last)
#   PY_REQUESTS 200/20     the seed's Python snippet: requests.put per task, no session
#   SESSION_REQUESTS 1000/100   a requests.Session loop (keep-alive); run once alone and once
#                          before each apply run, the row giving the median
#   COLD_RUNS 9/3          `taskhost run` cold, one process each (the median counts)
#   TASKS 2000/300         apply's tasks (and the fixture's domains; at most 10000)
#   APPLY_RUNS 3/1         applies with pacing off, state on disk (the median counts)
#   PROCESS_TASKS 400/40   daemon: one `taskhost run --socket` process per task, 4 at once
#   KEEPALIVE_TASKS 4000/300  daemon: POST /v1/tasks from one client on KEEPALIVE_CONNECTIONS
#                          (8) kept-alive connections (tests/bench/speed_bench_client.py)
#   WRK_SECONDS 10/2       wrk against the sandbox's PUT (the ceiling, 16 connections) and
#                          against the daemon's TCP listener (8 connections)
#   RELOADS 20/5           plugin reloads, each after installing a changed copy (median)
#   SOAK_TASKS 10000/500, SOAK_RELOADS 100/10   the daemon's RSS growth over both
#   PACED_TASKS 400/60     apply against a second sandbox enforcing 20/1 s + 100/10 s
#   BENCH_DIR              where the on-disk state goes (default under BUILD_DIR; not tmpfs)
#
# Rows, in the order they run (the curl loop's second half runs last):
#   curl loop        `curl -X PUT {base}/domain/{id}/dcv/emails` with the seed's headers and
#                    body, the key from a 0600 header file (-H @file), a process and a TLS
#                    handshake per request
#   python seed      /usr/bin/python3 + python3-requests, requests.put per task in one process
#   python Session   the same through one requests.Session
#   taskhost run     cold: a new process per task (median wall, its CPU, peak RSS); the target
#                    compares it with ONE curl call (the curl loop's mean wall). The wall is
#                    timed as curl's is, with nothing between the shell and the program; CPU
#                    and RSS come from a second run of each under /usr/bin/time -v
#   floor            the same PUT from tests/bench/poco_put_floor (Poco's HTTPSClientSession and
#                    nothing else), run as the cold run is: what any Poco client pays per call;
#                    then again with --plugin and --intent: the plugin's dlopen and describe and
#                    one fdatasync'd record before the send, what any taskhost adds at the least
#   apply            `taskhost apply` of TASKS distinct domains, --concurrency 16, the account's
#                    rate_limits 1000000/1 s (pacing never waits), check_recipients false (one
#                    PUT per task, as curl), the SQLite ledger in a fresh state dir on disk
#   ledger alone     tests/bench/ledger_cost_bench --mode full, 16 threads, TASKS identities: the
#                    ledger calls apply makes around each task, without the request (its CPU)
#   Poco loop        tests/bench/poco_put_floor --loop: TASKS PUTs from 16 threads on kept-alive
#                    sessions, Poco and nothing else: what this machine, Poco and the sandbox allow
#                    per second, so that apply's distance from it is apply's own cost
#   ledger + PUT     ledger_cost_bench --mode full --put: the ledger alone row's calls with the
#                    same PUT between the turn and the completion, as apply orders them: the floor
#                    of any apply that keeps the ledger's promise (a durable intent before each
#                    send), with no plugin, JSON or manifest
#   daemon rows      `taskhost serve` (max_concurrency 16) on a unix socket: a `taskhost run
#                    --socket` process per task; POST /v1/tasks from one Python client on
#                    kept-alive connections; wrk -t1 -c8 POSTing /v1/tasks to its opt-in TCP
#                    listener (the bearer token from a 0600 file, tests/bench/speed_bench_task.lua);
#                    and, when `taskhost apply --help` mentions --socket, `apply --socket
#                    --concurrency 16` (the daemon applies the manifest, one connection, as many
#                    tasks at once as the apply row; APPLY_RUNS times, the median), else "not
#                    built"
#   wrk              wrk -t1 -c16 against the sandbox's PUT (tests/bench/speed_bench_put.lua)
#   reload           `taskhost reload --json` after a changed plugin file is renamed in: the
#                    daemon's duration_ms (median) and the command's wall
#   RSS soak         the daemon's VmRSS after a warm-up of a tenth of the same mix, then after
#                    SOAK_TASKS tasks and SOAK_RELOADS reloads (each a changed file) at once (idle
#                    and after the rows above printed beside); and how many plugin
#                    copies stay mapped (old generations not closed)
#   paced apply      PACED_TASKS against a second sandbox enforcing 20 per 1 s and 100 per
#                    10 s, the account's rate_limits the same: wall / the floor the windows allow
#                    (as tests/bench/pacing_bench), and the sandbox's 429 count
# Handshakes are the sandbox's TCP connections (each one TLS handshake) over the row's
# requests, from the counters line it prints on SIGUSR1. The key is a random CANARY-KEY-...
# in 0600 files only; the run fails when it appears in any output or log. Needs in BUILD_DIR:
# host/taskhost, host/taskhost-plugin-probe, plugin/digicert_dcv/digicert_dcv.so and
# tests/sandbox/digicert-sandbox (cmake --build BUILD_DIR --target taskhost
# taskhost-plugin-probe digicert_dcv digicert-sandbox); curl, wrk, /usr/bin/time and
# /usr/bin/python3 with python3-requests (tests/install-deps.sh). Exit 0 when every row's tasks
# all succeeded (and the key never showed), 1 otherwise: ratios are reported, never enforced.
set -euo pipefail

prog=speed_bench.sh
usage() { sed -n '2,/^set -euo pipefail/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() {
  echo "$prog: $*" >&2
  exit 1
}
note() { echo "$prog: [${SECONDS}s] $*" >&2; }

short=0
while [ $# -gt 0 ]; do
  case $1 in
  -h | --help) usage; exit 0 ;;
  --short) short=1; shift ;;
  -*) usage >&2; exit 2 ;;
  *) break ;;
  esac
done
[ $# -le 1 ] || { usage >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(realpath -m -- "${1:-$root/build}")

# knob NAME FULL SHORT: the environment's value, else the default of the mode.
knob() {
  local value=${!1:-}
  [ -n "$value" ] || value=$([ "$short" = 1 ] && echo "$3" || echo "$2")
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer"
  printf -v "$1" '%s' "$value"
}
knob CURL_REQUESTS 200 20
knob PY_REQUESTS 200 20
knob SESSION_REQUESTS 1000 100
knob COLD_RUNS 9 3
knob TASKS 2000 300
knob APPLY_RUNS 3 1
knob PROCESS_TASKS 400 40
knob KEEPALIVE_TASKS 4000 300
knob KEEPALIVE_CONNECTIONS 8 8
knob WRK_SECONDS 10 2
knob RELOADS 20 5
knob SOAK_TASKS 10000 500
knob SOAK_RELOADS 100 10
knob PACED_TASKS 400 60
[ "$TASKS" -le 10000 ] || die "TASKS must be at most 10000 (the sandbox's fixture limit)"
[ "$CURL_REQUESTS" -ge 2 ] || die "CURL_REQUESTS must be at least 2 (half first, half last)"

taskhost=$build/host/taskhost
probe=$build/host/taskhost-plugin-probe
plugin=$build/plugin/digicert_dcv/digicert_dcv.so
sandbox=$build/tests/sandbox/digicert-sandbox
floor=$build/tests/bench/poco_put_floor
ledger_bench=$build/tests/bench/ledger_cost_bench
for f in "$taskhost" "$probe" "$plugin" "$sandbox"; do
  [ -e "$f" ] || die "$f is missing: cmake --build $build --target taskhost taskhost-plugin-probe digicert_dcv digicert-sandbox"
done
python=/usr/bin/python3
for tool in curl wrk /usr/bin/time "$python"; do
  command -v "$tool" >/dev/null || die "$tool is missing (bash tests/install-deps.sh)"
done
"$python" -c 'import requests' 2>/dev/null || die "$python lacks requests (apt-get install python3-requests)"

# --- the work directory: on disk (apply's ledger fsyncs are part of what is measured).
fstype() { findmnt -n -o FSTYPE -T "$1" 2>/dev/null | head -n 1 || stat -f -c %T "$1"; }
disk_parent=${BENCH_DIR:-$build}
mkdir -p "$disk_parent"
case $(fstype "$disk_parent") in
tmpfs | ramfs) die "$disk_parent is on tmpfs: set BENCH_DIR to a directory on disk (e.g. /var/tmp)" ;;
esac
work=$(mktemp -d "$disk_parent/speed-bench.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the key: a canary, in 0600 files only; never in argv, never printed.
umask 077
printf 'CANARY-KEY-%s\n' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$work/sandbox.key"
{ printf 'X-DC-DEVKEY: '; cat "$work/sandbox.key"; } >"$work/curl-key.header"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/daemon.token"
umask 022
export SPEED_BENCH_KEY_HEADER=$work/curl-key.header

first_id=8000000
domains=$TASKS
# write_fixture FILE COUNT: COUNT unvalidated domains d<i>.bench.example, ids from first_id.
write_fixture() {
  local i sep=' '
  {
    echo '{"domains": ['
    for ((i = 0; i < $2; i++)); do
      printf '%s {"id": %d, "name": "d%d.bench.example", "validated": false}\n' "$sep" $((first_id + i)) "$i"
      sep=,
    done
    echo ']}'
  } >"$1"
}

# start_sandbox NAME SHORT_WINDOW LONG_WINDOW FIXTURE: sets sandbox_pid, base_url, ca_file.
start_sandbox() {
  local out=$work/$1.out ready=""
  "$sandbox" --fixture "$4" --state-dir "$work/$1" --api-key-file "$work/sandbox.key" \
    --short-window "$2" --long-window "$3" >"$out" 2>"$work/$1.err" &
  sandbox_pid=$!
  pids+=("$sandbox_pid")
  for _ in $(seq 1 150); do
    ready=$(grep -m 1 '"event":"ready"' "$out" 2>/dev/null) && break
    sleep 0.1
  done
  [ -n "$ready" ] || { cat "$work/$1.err" >&2; die "the sandbox $1 did not start"; }
  base_url=$(sed -E 's/.*"base_url":"([^"]+)".*/\1/' <<<"$ready")
  ca_file=$(sed -E 's/.*"ca_file":"([^"]+)".*/\1/' <<<"$ready")
}

# counters OUT PID: "requests connections resends rate_limited" from a fresh counters line.
counters() {
  local before n
  before=$(grep -c '"event":"counters"' "$1" || true)
  kill -USR1 "$2"
  for _ in $(seq 1 1000); do # 20 s at most: a loaded machine may take its time
    n=$(grep -c '"event":"counters"' "$1" || true)
    [ "$n" -gt "$before" ] && break
    sleep 0.02
  done
  [ "$n" -gt "$before" ] || die "the sandbox printed no counters line on SIGUSR1 ($1)"
  grep '"event":"counters"' "$1" | tail -n 1 |
    sed -E 's/.*"requests":([0-9]+),"resends_accepted":([0-9]+),"rate_limited":([0-9]+),"connections":([0-9]+).*/\1 \4 \2 \3/'
}

now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mib_of_kb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
time_rss() { awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$1"; }
time_cpu() { awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.3f", u + s }' "$1"; }
proc_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

failures=0
fail() {
  note "FAILED: $*"
  failures=$((failures + 1))
}

# --- rows: "label|n|wall_s|rate|unit|rss_mib|handshakes_per_1000|target". The ratio column is
# computed at the end, when the curl loop's reference is complete. unit: tasks/s or ms.
rows=()
row() { rows+=("$1|$2|$3|$4|$5|$6|$7|$8"); }
# set_row_rate LABEL RATE: a row's wall becomes "-" and its rate RATE (a median of several runs).
set_row_rate() {
  local i fields
  for i in "${!rows[@]}"; do
    if [ "${rows[$i]%%|*}" = "$1" ]; then
      IFS='|' read -r -a fields <<<"${rows[$i]}"
      fields[2]="-"
      fields[3]=$2
      rows[i]=$(IFS="|" && echo "${fields[*]}")
    fi
  done
}
notes=() # lines printed under the table
remark() { notes+=("$*"); }

# Handshake accounting around a row: mark_sandbox, then handshakes_per_1000 (and sandbox_delta
# for the resends the sandbox accepted, to check that every task was sent).
mark_sandbox() { read -r _ mark_connections mark_resends _ < <(counters "$work/main.out" "$main_sandbox"); }
sandbox_delta() {
  local connections resends
  read -r _ connections resends _ < <(counters "$work/main.out" "$main_sandbox")
  delta_connections=$((connections - mark_connections))
  delta_resends=$((resends - mark_resends))
  delta_hs=$(awk -v c="$delta_connections" -v n="$delta_resends" 'BEGIN { if (n > 0) printf "%.1f", 1000 * c / n; else print "-" }')
}
# expect_sent LABEL N: the sandbox accepted at least N resends since mark_sandbox.
expect_sent() {
  sandbox_delta
  [ "$delta_resends" -ge "$2" ] || fail "$1: the sandbox accepted $delta_resends of $2 resends"
}

# ---------------------------------------------------------------------------------------------
# The clients against the sandbox.

curl_ok=0
curl_s=0
curl_conns=0
curl_halves=()
# curl_loop FIRST COUNT
curl_loop() {
  local first=$1 count=$2 i id name code started s
  mark_sandbox
  started=$(now)
  for ((i = first; i < first + count; i++)); do
    id=$((first_id + i % domains))
    name=d$((i % domains)).bench.example
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$base_url/domain/$id/dcv/emails" \
      -H 'Content-Type: application/json' -H @"$work/curl-key.header" \
      -d "{\"name_scope\":\"$name\",\"locale\":\"en\",\"email_array\":[\"admin@$name\"]}" \
      --cacert "$ca_file") || code=000
    [ "$code" = 204 ] && curl_ok=$((curl_ok + 1))
  done
  s=$(elapsed "$started" "$(now)")
  expect_sent "curl loop" "$count"
  curl_conns=$((curl_conns + delta_connections))
  curl_halves+=("$(rate "$count" "$s")")
  curl_s=$(awk -v a="$curl_s" -v b="$s" 'BEGIN { printf "%.3f", a + b }')
}

curl_rss() {
  local id=$first_id
  /usr/bin/time -v -o "$work/curl.time" curl -s -o /dev/null -X PUT "$base_url/domain/$id/dcv/emails" \
    -H 'Content-Type: application/json' -H @"$work/curl-key.header" \
    -d '{"name_scope":"d0.bench.example","locale":"en","email_array":["admin@d0.bench.example"]}' \
    --cacert "$ca_file" || fail "curl (RSS) failed"
  time_rss "$work/curl.time"
}

# python_row LABEL MODE COUNT TARGET
python_row() {
  local label=$1 mode=$2 count=$3 result s
  mark_sandbox
  if ! /usr/bin/time -v -o "$work/py.time" "$python" "$here/speed_bench_client.py" "$mode" \
    "$base_url" "$ca_file" "$work/sandbox.key" "$first_id" "$domains" "$count" \
    >"$work/py.out" 2>"$work/py.err"; then
    fail "$label: $(tail -n 3 "$work/py.err" "$work/py.out")"
  fi
  result=$(tail -n 1 "$work/py.out")
  s=$(sed -nE 's/.*"seconds": ([0-9.]+).*/\1/p' <<<"$result")
  expect_sent "$label" "$count"
  row "$label" "$count" "${s:-0}" "$(rate "$count" "${s:-0}")" tasks/s "$(time_rss "$work/py.time")" "$delta_hs" "$4"
  py_tps=$(rate "$count" "${s:-0}")
}

wrk_row() {
  local out=$work/wrk.out tps non2xx errors
  mark_sandbox
  wrk -t1 -c16 -d "${WRK_SECONDS}s" --timeout 10s -s "$here/speed_bench_put.lua" "$base_url" -- "$first_id" "$domains" \
    >"$out" 2>&1 || fail "wrk failed: $(tail -n 3 "$out")"
  tps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$out")
  errors=$(grep -c 'Socket errors' "$out" || true)
  { [ -z "$non2xx" ] && [ "$errors" = 0 ]; } || fail "wrk: non-2xx ${non2xx:-0}, $(grep 'Socket errors' "$out" || true)"
  expect_sent wrk 1
  row "wrk -t1 -c16 PUT against the sandbox (ceiling)" "$delta_resends" "$WRK_SECONDS" "${tps:-0}" tasks/s - "$delta_hs" "-"
}

# ---------------------------------------------------------------------------------------------
# taskhost: config, manifests, cold runs, applies.

# write_config FILE BASE_URL CA_FILE RATE_LIMITS_JSON [DAEMON_JSON]
write_config() {
  local daemon="" name
  name=$(basename "$1" .json)
  [ -z "${5:-}" ] || daemon=",
  \"daemon\": $5"
  cat >"$1" <<JSON
{
  "plugin_dir": "$work/plugins",
  "state_dir": "$work/state-$name",
  "accounts": {
    "bench": {"base_url": "$2", "ca_file": "$3", "api_key_file": "$work/sandbox.key",
              "rate_limits": $4}
  }$daemon
}
JSON
}

# write_manifest FILE COUNT INTERVAL
write_manifest() {
  local i sep=' '
  {
    printf '{"version": 1,\n "defaults": {"account": "bench", "resend_interval": "%s",\n' "$3"
    printf '  "params": {"locale": "en", "check_recipients": false}},\n "tasks": [\n'
    for ((i = 0; i < $2; i++)); do
      printf '%s {"name": "d%d", "task": "digicert.dcv.resend", "params": {"domain_id": %d, "name_scope": "d%d.bench.example", "email_array": ["admin@d%d.bench.example"]}}\n' \
        "$sep" "$i" $((first_id + i)) "$i" "$i"
      sep=,
    done
    printf ']}\n'
  } >"$1"
}

run_args() { # run_args I: `taskhost run`'s task arguments for task I
  local n=$(($1 % domains))
  echo "digicert.dcv.resend domain_id=$((first_id + n)) name_scope=d$n.bench.example locale=en email_array=admin@d$n.bench.example check_recipients=false --account bench"
}

# Each cold run is timed as the curl loop times curl (a command substitution, nothing between
# the shell and the program); a second run of the same shape under /usr/bin/time -v gives its
# CPU and peak RSS (/usr/bin/time adds its own fork and exec, 6-8 ms here, to a wall it wraps).
cold_row() {
  local i started walls=() cpus=() rss=() wall cpu out
  # shellcheck disable=SC2046 # run_args is words by design
  "$taskhost" run $(run_args 0) --config "$work/off.json" >/dev/null 2>"$work/run.err" ||
    fail "taskhost run (warm-up, creates the ledger): $(tail -n 2 "$work/run.err")"
  mark_sandbox
  for ((i = 1; i <= COLD_RUNS; i++)); do
    started=$(now)
    # shellcheck disable=SC2046
    out=$("$taskhost" run $(run_args "$i") --config "$work/off.json" 2>"$work/run.err") ||
      fail "taskhost run: $(tail -n 2 "$work/run.err")"
    walls+=("$(elapsed "$started" "$(now)")")
    # shellcheck disable=SC2046
    /usr/bin/time -v -o "$work/run.time" "$taskhost" run $(run_args "$((i + COLD_RUNS))") \
      --config "$work/off.json" >"$work/run.out" 2>"$work/run.err" || fail "taskhost run: $(tail -n 2 "$work/run.err")"
    cpus+=("$(time_cpu "$work/run.time")")
    rss+=("$(time_rss "$work/run.time")")
  done
  expect_sent "taskhost run" $((2 * COLD_RUNS))
  wall=$(printf '%s\n' "${walls[@]}" | median)
  cpu=$(printf '%s\n' "${cpus[@]}" | median)
  cold_wall_ms=$(awk -v w="$wall" 'BEGIN { printf "%.1f", w * 1000 }')
  cold_rss=$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)
  cold_cpu_ms=$(awk -v c="$cpu" 'BEGIN { printf "%.1f", c * 1000 }')
  row "taskhost run, cold (median of $COLD_RUNS)" "$COLD_RUNS" "$wall" "$cold_wall_ms" "ms/task" "$cold_rss" "$delta_hs" "cold"
  remark "taskhost run, cold: median wall $cold_wall_ms ms, CPU (user+sys) $cold_cpu_ms ms, walls ${walls[*]} s"
}

# The floor of any Poco client: one PUT through HTTPSClientSession and nothing else
# (tests/bench/poco_put_floor.cpp), run as the cold run is. What it costs, taskhost run cannot
# go under: the mission builds the plugin on Poco's HTTPSClientSession.
# floor_row LABEL [ARGS...]: ARGS go to poco_put_floor after the call's own (--plugin, --intent).
floor_row() {
  local label=$1 i started walls=() rss=() wall out ms
  shift
  [ -x "$floor" ] || { remark "poco floor: $floor not built"; return; }
  mark_sandbox
  for ((i = 1; i <= COLD_RUNS; i++)); do
    started=$(now)
    out=$("$floor" "$base_url" "$ca_file" "$work/sandbox.key" $((first_id + i % domains)) \
      "d$((i % domains)).bench.example" "$@" 2>&1) || fail "poco_put_floor: $(printf '%s' "$out" | tail -n 2)"
    walls+=("$(elapsed "$started" "$(now)")")
    /usr/bin/time -v -o "$work/floor.time" "$floor" "$base_url" "$ca_file" "$work/sandbox.key" \
      $((first_id + (i + COLD_RUNS) % domains)) "d$(((i + COLD_RUNS) % domains)).bench.example" "$@" \
      >"$work/floor.out" 2>&1 || fail "poco_put_floor: $(tail -n 2 "$work/floor.out")"
    rss+=("$(time_rss "$work/floor.time")")
  done
  expect_sent "poco_put_floor" $((2 * COLD_RUNS))
  wall=$(printf '%s\n' "${walls[@]}" | median)
  ms=$(awk -v w="$wall" 'BEGIN { printf "%.1f", w * 1000 }')
  row "$label" "$COLD_RUNS" "$wall" "$ms" "ms/task" "$(printf '%s\n' "${rss[@]}" | sort -g | tail -n 1)" "$delta_hs" "-"
}

# apply_once CONFIG STATE MANIFEST CONCURRENCY COUNT: sets apply_s, apply_rss; checks every task.
apply_once() {
  local started rc=0 ok
  started=$(now)
  /usr/bin/time -v -o "$work/apply.time" "$taskhost" apply "$3" --config "$1" --state-dir "$2" \
    --concurrency "$4" --json >"$work/apply.out" 2>"$work/apply.err" || rc=$?
  apply_s=$(elapsed "$started" "$(now)")
  apply_rss=$(time_rss "$work/apply.time")
  apply_cpu_ms=$(awk -v c="$(time_cpu "$work/apply.time")" -v n="$5" 'BEGIN { printf "%.2f", 1000 * c / n }')
  ok=$(grep -cE '"status": ?"succeeded"' "$work/apply.out" || true)
  { [ "$rc" = 0 ] && [ "$ok" = "$5" ]; } || fail "apply: exit $rc, $ok of $5 succeeded: $(tail -n 2 "$work/apply.err")"
}

# session_once: the requests.Session loop once more, without a row; sets session_once_tps.
session_once() {
  local s
  "$python" "$here/speed_bench_client.py" session "$base_url" "$ca_file" "$work/sandbox.key" \
    "$first_id" "$domains" "$SESSION_REQUESTS" >"$work/py.out" 2>"$work/py.err" ||
    fail "python requests.Session loop: $(tail -n 3 "$work/py.err" "$work/py.out")"
  s=$(tail -n 1 "$work/py.out" | sed -nE 's/.*"seconds": ([0-9.]+).*/\1/p')
  session_once_tps=$(rate "$SESSION_REQUESTS" "${s:-0}")
}

# Each apply run follows a run of the Session loop, and the Session row becomes the median of
# all its runs: this VM's speed drifts by a third within minutes, and apply's target is a ratio to
# the Session loop, so both come from the same minutes.
apply_row() {
  local run tps=() max_rss=0 cpu=() sessions=("$session_tps") connections=0 resends=0
  for ((run = 1; run <= APPLY_RUNS; run++)); do
    session_once
    sessions+=("$session_once_tps")
    mark_sandbox
    apply_once "$work/off.json" "$work/apply-state-$run" "$work/manifest.json" 16 "$TASKS"
    sandbox_delta
    connections=$((connections + delta_connections))
    resends=$((resends + delta_resends))
    tps+=("$(rate "$TASKS" "$apply_s")")
    cpu+=("$apply_cpu_ms")
    max_rss=$(printf '%s\n' "$max_rss" "$apply_rss" | sort -g | tail -n 1)
  done
  [ "$resends" -ge $((TASKS * APPLY_RUNS)) ] ||
    fail "apply: the sandbox accepted $resends of $((TASKS * APPLY_RUNS)) resends"
  delta_hs=$(awk -v c="$connections" -v n="$resends" 'BEGIN { if (n > 0) printf "%.1f", 1000 * c / n; else print "-" }')
  session_tps=$(printf '%s\n' "${sessions[@]}" | median)
  set_row_rate "python requests.Session loop" "$session_tps"
  remark "python requests.Session loop runs: ${sessions[*]} tasks/s (the first alone, then one before each apply run; the row gives their median)"
  apply_tps=$(printf '%s\n' "${tps[@]}" | median)
  row "apply c16, pacing off, ledger on disk (median of $APPLY_RUNS)" "$TASKS" "-" "$apply_tps" tasks/s "$max_rss" "$delta_hs" apply
  remark "apply runs: ${tps[*]} tasks/s; apply's CPU (user+sys) per task: ${cpu[*]} ms"
}

# The ledger's part of apply, alone: the same calls apply makes around each task (pacing budget,
# intent, completion and history) from 16 threads for TASKS fresh identities, on the same disk,
# with no request (tests/bench/ledger_cost_bench --mode full). What apply's record per task costs
# by itself, in the same sitting: the explanation of apply's row, measured.
ledger_row() {
  local out line wall
  [ -x "$ledger_bench" ] || { remark "ledger alone: $ledger_bench not built"; return; }
  mkdir -p "$work/ledger-alone"
  out=$work/ledger-alone.out
  /usr/bin/time -v -o "$work/ledger.time" "$ledger_bench" --config "$work/off.json" \
    --state-dir "$work/ledger-alone" --tasks "$TASKS" --threads 16 --mode full >"$out" 2>&1 ||
    { fail "ledger_cost_bench: $(tail -n 2 "$out")"; return; }
  line=$(grep -m1 'mode=full' "$out")
  wall=$(sed -nE 's/.* wall_s=([0-9.]+).*/\1/p' <<<"$line")
  grep -q ' failures=0 ' <<<"$line" || fail "ledger_cost_bench: $line"
  ledger_cpu_ms=$(awk -v c="$(time_cpu "$work/ledger.time")" -v n="$TASKS" 'BEGIN { printf "%.2f", 1000 * c / n }')
  row "apply's ledger calls alone, c16, no request" "$TASKS" "$wall" "$(rate "$TASKS" "$wall")" tasks/s "$(time_rss "$work/ledger.time")" - ledger
  remark "ledger alone: CPU (user+sys) per task $ledger_cpu_ms ms; $(sed -nE 's/.*(commits=[0-9]+ writes_per_commit=[0-9.]+).*/\1/p' <<<"$line")"
}

# The floor of apply: the same TASKS PUTs through Poco's HTTPSClientSession from 16 threads, each
# on a kept-alive session, and nothing else (no ledger, JSON, plugin or process per task). Its CPU
# per task beside apply's says how much of apply's cost is apply's own.
poco_loop_row() {
  local out line wall
  [ -x "$floor" ] || { remark "poco loop: $floor not built"; return; }
  mark_sandbox
  out=$work/poco-loop.out
  /usr/bin/time -v -o "$work/poco-loop.time" "$floor" --loop "$TASKS" 16 "$domains" "$base_url" \
    "$ca_file" "$work/sandbox.key" "$first_id" >"$out" 2>&1 ||
    { fail "poco_put_floor --loop: $(tail -n 2 "$out")"; return; }
  expect_sent "poco_put_floor --loop" "$TASKS"
  line=$(grep -m1 '^sent=' "$out")
  wall=$(sed -nE 's/.* wall_s=([0-9.]+).*/\1/p' <<<"$line")
  row "floor: Poco keep-alive PUT loop alone, 16 threads" "$TASKS" "$wall" "$(rate "$TASKS" "$wall")" tasks/s "$(time_rss "$work/poco-loop.time")" "$delta_hs" "-"
  remark "poco loop: CPU (user+sys) per task $(awk -v c="$(time_cpu "$work/poco-loop.time")" -v n="$TASKS" 'BEGIN { printf "%.2f", 1000 * c / n }') ms (apply's: above)"
}

# Apply's floor with its record: ledger_cost_bench's full mode with the PUT of the Poco loop in each
# task, between its pacing turn and its completion (a kept-alive session per thread). Nothing an
# apply that records each task as this ledger does can go faster on this machine: what apply is
# below it is the plugin call, the JSON and the manifest.
ledger_put_row() {
  local out line wall
  [ -x "$ledger_bench" ] || { remark "ledger + PUT: $ledger_bench not built"; return; }
  mkdir -p "$work/ledger-put"
  mark_sandbox
  out=$work/ledger-put.out
  /usr/bin/time -v -o "$work/ledger-put.time" "$ledger_bench" --config "$work/off.json" \
    --state-dir "$work/ledger-put" --tasks "$TASKS" --threads 16 --mode full \
    --put "$base_url" "$ca_file" "$work/sandbox.key" "$first_id" "$domains" >"$out" 2>&1 ||
    { fail "ledger_cost_bench --put: $(tail -n 2 "$out")"; return; }
  expect_sent "ledger_cost_bench --put" "$TASKS"
  line=$(grep -m1 'mode=full' "$out")
  wall=$(sed -nE 's/.* wall_s=([0-9.]+).*/\1/p' <<<"$line")
  grep -q ' failures=0 ' <<<"$line" || fail "ledger_cost_bench --put: $line"
  row "floor: apply's ledger calls + Poco keep-alive PUT, c16" "$TASKS" "$wall" "$(rate "$TASKS" "$wall")" tasks/s "$(time_rss "$work/ledger-put.time")" "$delta_hs" "-"
  remark "ledger + PUT: CPU (user+sys) per task $(awk -v c="$(time_cpu "$work/ledger-put.time")" -v n="$TASKS" 'BEGIN { printf "%.2f", 1000 * c / n }') ms (apply's: above)"
}

# ---------------------------------------------------------------------------------------------
# The daemon.

free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_daemon() {
  local daemon_json
  tcp_port=$(free_port)
  daemon_json="{\"socket\": \"$work/run/taskhost.sock\", \"max_concurrency\": 16, \"max_queue\": 256,
    \"watch_plugin_dir\": false, \"audit_log\": \"$work/audit.log\",
    \"tcp\": {\"port\": $tcp_port, \"token_file\": \"$work/daemon.token\"}}"
  write_config "$work/daemon.json" "$base_url" "$ca_file" '[{"requests": 1000000, "per_seconds": 1}]' "$daemon_json"
  sock=$work/run/taskhost.sock
  "$taskhost" serve --config "$work/daemon.json" >"$work/daemon.out" 2>"$work/daemon.err" &
  daemon_pid=$!
  pids+=("$daemon_pid")
  for _ in $(seq 1 100); do
    if [ -S "$sock" ] && curl -sf --unix-socket "$sock" http://localhost/v1/health >/dev/null; then
      daemon_idle_kb=$(proc_kb "$daemon_pid" VmRSS)
      return 0
    fi
    sleep 0.1
  done
  tail -n 5 "$work/daemon.err" >&2
  die "the daemon did not start"
}

daemon_process_row() {
  local started s ok
  mark_sandbox
  started=$(now)
  for ((i = 0; i < PROCESS_TASKS; i++)); do run_args "$i"; done |
    xargs -P 4 -L 1 "$taskhost" run --socket "$sock" >"$work/process.out" 2>"$work/process.err" || true
  s=$(elapsed "$started" "$(now)")
  ok=$(grep -cE '"status": ?"succeeded"' "$work/process.out" || true)
  [ "$ok" = "$PROCESS_TASKS" ] || fail "daemon, process per task: $ok of $PROCESS_TASKS succeeded: $(tail -n 2 "$work/process.err")"
  expect_sent "daemon, process per task" "$PROCESS_TASKS"
  row "daemon: run --socket, a process per task, 4 at once" "$PROCESS_TASKS" "$s" "$(rate "$PROCESS_TASKS" "$s")" tasks/s "$(mib_of_kb "$(proc_kb "$daemon_pid" VmHWM)")" "$delta_hs" "-"
}

# daemon_client COUNT CONNECTIONS: POSTs from one Python client; sets client_s.
daemon_client() {
  "$python" "$here/speed_bench_client.py" daemon "$sock" bench "$first_id" "$domains" "$1" "$2" \
    >"$work/client.out" 2>"$work/client.err" || fail "daemon client ($1 tasks): $(tail -n 3 "$work/client.err" "$work/client.out")"
  client_s=$(sed -nE 's/.*"seconds": ([0-9.]+).*/\1/p' "$work/client.out")
}

daemon_keepalive_row() {
  mark_sandbox
  daemon_client "$KEEPALIVE_TASKS" "$KEEPALIVE_CONNECTIONS"
  expect_sent "daemon keep-alive" "$KEEPALIVE_TASKS"
  daemon_tps=$(rate "$KEEPALIVE_TASKS" "${client_s:-0}")
  row "daemon: POST /v1/tasks, 1 client, $KEEPALIVE_CONNECTIONS keep-alive conns" "$KEEPALIVE_TASKS" "$client_s" "$daemon_tps" tasks/s "$(mib_of_kb "$(proc_kb "$daemon_pid" VmHWM)")" "$delta_hs" daemon
  mark_sandbox
  daemon_client $((KEEPALIVE_TASKS / 4)) 1
  expect_sent "daemon keep-alive, one connection" $((KEEPALIVE_TASKS / 4))
  row "daemon: POST /v1/tasks, 1 client, 1 keep-alive conn" $((KEEPALIVE_TASKS / 4)) "$client_s" "$(rate $((KEEPALIVE_TASKS / 4)) "${client_s:-0}")" tasks/s "$(mib_of_kb "$(proc_kb "$daemon_pid" VmHWM)")" "$delta_hs" "-"
}

# The same through the daemon's TCP listener, driven by wrk: one client, 8 connections.
daemon_wrk_row() {
  local out=$work/wrk-daemon.out tps non2xx errors
  mark_sandbox
  SPEED_BENCH_TOKEN_FILE=$work/daemon.token wrk -t1 -c8 -d "${WRK_SECONDS}s" --timeout 10s -s "$here/speed_bench_task.lua" \
    "http://127.0.0.1:$tcp_port" -- "$first_id" "$domains" >"$out" 2>&1 || fail "wrk (daemon) failed: $(tail -n 3 "$out")"
  tps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  non2xx=$(awk '/Non-2xx/ { print $NF }' "$out")
  errors=$(grep -c 'Socket errors' "$out" || true)
  { [ -z "$non2xx" ] && [ "$errors" = 0 ]; } || fail "wrk (daemon): non-2xx ${non2xx:-0}, $(grep 'Socket errors' "$out" || true)"
  sandbox_delta
  [ "$delta_resends" -gt 0 ] || fail "wrk (daemon): the sandbox accepted no resend"
  daemon_wrk_tps=${tps:-0}
  row "daemon: wrk -t1 -c8 POST /v1/tasks over TCP keep-alive" "$delta_resends" "$WRK_SECONDS" "$daemon_wrk_tps" tasks/s "$(mib_of_kb "$(proc_kb "$daemon_pid" VmHWM)")" "$delta_hs" daemon
}

daemon_apply_row() {
  local label="daemon: apply --socket c16, one connection" started s ok rc run rates=() rss_after=()
  if ! "$taskhost" apply --help 2>&1 | grep -q -- '--socket'; then
    row "$label" - - "not built" - - - "-"
    return 0
  fi
  mark_sandbox
  # As many runs as the apply row, its median counting: one run moves by a fifth with this VM's
  # minute. The daemon keeps its ledger between them, as a daemon does.
  for ((run = 1; run <= APPLY_RUNS; run++)); do
    rc=0
    started=$(now)
    "$taskhost" apply "$work/manifest-0s.json" --socket "$sock" --concurrency 16 --json \
      >"$work/dapply.out" 2>"$work/dapply.err" || rc=$?
    s=$(elapsed "$started" "$(now)")
    ok=$(grep -cE '"status": ?"succeeded"' "$work/dapply.out" || true)
    { [ "$rc" = 0 ] && [ "$ok" = "$TASKS" ]; } || fail "apply --socket: exit $rc, $ok of $TASKS succeeded: $(tail -n 2 "$work/dapply.err")"
    rates+=("$(rate "$TASKS" "$s")")
    rss_after+=("$(mib_of_kb "$(proc_kb "$daemon_pid" VmRSS)")")
  done
  expect_sent "apply --socket" $((TASKS * APPLY_RUNS))
  daemon_apply_tps=$(printf '%s\n' "${rates[@]}" | median)
  row "$label (median of $APPLY_RUNS)" "$TASKS" "-" "$daemon_apply_tps" tasks/s "$(mib_of_kb "$(proc_kb "$daemon_pid" VmHWM)")" "$delta_hs" daemon
  remark "daemon apply --socket runs: ${rates[*]} tasks/s; the daemon's VmRSS after each: ${rss_after[*]} MiB"
}

# install_changed_plugin N: a copy of the plugin with N appended (new bytes, same code), renamed in.
install_changed_plugin() {
  cp "$plugin" "$work/plugins/.digicert_dcv.so.tmp"
  printf 'speed-bench-%08d' "$1" >>"$work/plugins/.digicert_dcv.so.tmp"
  mv -f "$work/plugins/.digicert_dcv.so.tmp" "$work/plugins/digicert_dcv.so"
}
reload_serial=0
# reload_once: installs a changed copy and reloads; sets reload_ms (the daemon's) and reload_wall_ms.
reload_once() {
  local started
  reload_serial=$((reload_serial + 1))
  install_changed_plugin "$reload_serial"
  started=$(now)
  "$taskhost" reload --socket "$sock" --json >"$work/reload.out" 2>"$work/reload.err" ||
    fail "reload $reload_serial: $(tail -n 2 "$work/reload.err" "$work/reload.out")"
  reload_wall_ms=$(awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) * 1000 }')
  reload_ms=$(grep -oE '"duration_ms": ?[0-9.]+' "$work/reload.out" | head -n 1 | cut -d: -f2 | tr -d ' ')
  grep -qE '"result": ?"loaded"' "$work/reload.out" || fail "reload $reload_serial did not load a new generation: $(head -c 300 "$work/reload.out")"
}

reload_row() {
  local i daemon_ms=() walls=()
  for ((i = 0; i < RELOADS; i++)); do
    reload_once
    daemon_ms+=("${reload_ms:-0}")
    walls+=("$reload_wall_ms")
  done
  reload_median=$(printf '%s\n' "${daemon_ms[@]}" | median)
  row "one plugin reload (daemon's duration_ms, median)" "$RELOADS" - "$reload_median" ms - - reload
  remark "reload: daemon duration_ms ${daemon_ms[*]}; taskhost reload wall median $(printf '%s\n' "${walls[@]}" | median) ms"
}

mapped_copies() { grep -F 'digicert_dcv' "/proc/$daemon_pid/maps" | awk '{ print $NF }' | sort -u | wc -l; }

# soak_load TASKS RELOADS: TASKS posted tasks from 4 connections while RELOADS reloads run.
soak_load() {
  local client_pid i
  mark_sandbox
  daemon_client "$1" 4 &
  client_pid=$!
  for ((i = 0; i < $2; i++)); do reload_once; done
  wait "$client_pid" || fail "the soak's client did not get every task answered 200"
  expect_sent soak "$1"
}

# The baseline is taken after a tenth of the same mix: growth is what the tasks and reloads leave
# behind, not the threads' malloc arenas reaching the size this load needs (the batch rows before
# give their free pages back to the system once they end, util/heap_trim.h).
soak_row() {
  local before warm after
  rows_kb=$(proc_kb "$daemon_pid" VmRSS)
  soak_load $((SOAK_TASKS / 10)) $((SOAK_RELOADS / 10))
  sleep 1
  warm=$(proc_kb "$daemon_pid" VmRSS)
  before=$warm
  note "soak: $SOAK_TASKS tasks and $SOAK_RELOADS reloads; VmRSS before $(mib_of_kb "$before") MiB, plugin copies mapped: $(mapped_copies)"
  soak_load "$SOAK_TASKS" "$SOAK_RELOADS"
  sleep 1
  after=$(proc_kb "$daemon_pid" VmRSS)
  soak_growth=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.1f", (a - b) / 1024 }')
  soak_mapped=$(mapped_copies)
  row "daemon RSS growth, $SOAK_TASKS tasks + $SOAK_RELOADS reloads" "$SOAK_TASKS" - "$soak_growth" "MiB" "$(mib_of_kb "$after")" "$delta_hs" soak
  remark "soak: daemon VmRSS idle $(mib_of_kb "$daemon_idle_kb"), after the rows above $(mib_of_kb "$rows_kb"), after the warm-up $(mib_of_kb "$before") -> $(mib_of_kb "$after") MiB; plugin copies mapped after: $soak_mapped"
}

# ---------------------------------------------------------------------------------------------
# The paced apply, against a second sandbox enforcing 20/1 s and 100/10 s.

# floor_s N: the earliest the N-th request may go under 20 per 1 s and 100 per 10 s (rolling).
floor_s() {
  awk -v n="$1" 'BEGIN {
    for (k = 0; k < n; k++) {
      t[k] = 0
      if (k >= 20 && t[k - 20] + 1 > t[k]) t[k] = t[k - 20] + 1
      if (k >= 100 && t[k - 100] + 10 > t[k]) t[k] = t[k - 100] + 10
    }
    printf "%.2f", t[n - 1] }'
}

paced_row() {
  local fixture=$work/paced-fixture.json requests throttled resends floor
  write_fixture "$fixture" "$PACED_TASKS"
  local base_url ca_file sandbox_pid # the main sandbox's stay as they are
  start_sandbox paced 20/1 100/10 "$fixture"
  local paced_pid=$sandbox_pid
  write_config "$work/paced.json" "$base_url" "$ca_file" '[{"requests": 20, "per_seconds": 1}, {"requests": 100, "per_seconds": 10}]'
  write_manifest "$work/manifest-paced.json" "$PACED_TASKS" 24h
  apply_once "$work/paced.json" "$work/paced-state" "$work/manifest-paced.json" 8 "$PACED_TASKS"
  read -r requests _ resends throttled < <(counters "$work/paced.out" "$paced_pid")
  [ "$resends" = "$PACED_TASKS" ] || fail "paced apply: the sandbox accepted $resends of $PACED_TASKS"
  floor=$(floor_s "$PACED_TASKS")
  paced_ratio=$(awk -v a="$apply_s" -v f="$floor" 'BEGIN { printf "%.3f", (f > 0 ? a / f : 0) }')
  paced_429=$throttled
  row "paced apply c8, 20/1s+100/10s, 429s: $throttled" "$PACED_TASKS" "$apply_s" "$paced_ratio" "x floor" "$apply_rss" - paced
  remark "paced apply: $apply_s s against the floor of $floor s (the last of $PACED_TASKS turns under both windows), $requests requests, $throttled answered 429"
  kill "$paced_pid" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# The table.

x_curl() { # x_curl RATE UNIT
  case $2 in
  tasks/s) awk -v a="$1" -v b="$curl_rate" 'BEGIN { if (b > 0 && a + 0 > 0) printf "%.1fx", a / b; else print "-" }' ;;
  ms/task) awk -v a="$1" -v b="$curl_call_ms" 'BEGIN { if (a > 0) printf "%.2fx", a / b; else print "-" }' ;;
  *) echo - ;;
  esac
}
met() { awk -v ok="$1" 'BEGIN { print (ok ? "met" : "NOT met") }'; }
target_text() { # target_text KIND VALUE
  case $1 in
  cold) echo "<=1.5x one curl call, <=14 MiB: $(met "$(awk -v w="$cold_wall_ms" -v c="$curl_call_ms" -v r="$cold_rss" 'BEGIN { print (w <= 1.5 * c && r <= 14) }')")" ;;
  apply) echo ">=40x curl, >=2.5x Session: $(met "$(awk -v a="$apply_tps" -v c="$curl_rate" -v s="$session_tps" 'BEGIN { print (a >= 40 * c && a >= 2.5 * s) }')")" ;;
  daemon) echo ">=30x curl: $(met "$(awk -v a="$2" -v c="$curl_rate" 'BEGIN { print (a >= 30 * c) }')")" ;;
  reload) echo "<=10 ms: $(met "$(awk -v r="$reload_median" 'BEGIN { print (r <= 10) }')")" ;;
  soak) echo "<=2 MiB: $(met "$(awk -v g="$soak_growth" 'BEGIN { print (g <= 2) }')")" ;;
  paced) echo "<=1.05x floor, no 429: $(met "$(awk -v r="$paced_ratio" -v t="$paced_429" 'BEGIN { print (r <= 1.05 && t == 0) }')")" ;;
  *) echo "" ;;
  esac
}

# shellcheck disable=SC2059 # one format for every line of the table
print_table() {
  local fmt='%-56s %6s %8s %9s %-8s %7s %7s %6s  %s\n' r label n s value unit rss hs kind ratio
  echo
  echo "speed_bench: $([ "$short" = 1 ] && echo "--short, ")$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
  printf "$fmt" row n wall_s value unit x_curl rss_MiB hs/1k target
  printf "$fmt" "curl loop (the seed's command, sequential)" "$CURL_REQUESTS" "$curl_s" "$curl_rate" tasks/s 1.0x "$curl_rss" "$curl_hs" ""
  for r in "${rows[@]}"; do
    IFS='|' read -r label n s value unit rss hs kind <<<"$r"
    # the ledger alone sends nothing: no ratio to a way of sending
    ratio=-
    [ "$kind" = ledger ] || ratio=$(x_curl "$value" "$unit")
    printf "$fmt" "$label" "$n" "$s" "$value" "$unit" "$ratio" "$rss" "$hs" "$(target_text "$kind" "$value")"
  done
  echo "hs/1k: TLS handshakes (the sandbox's connections) per 1000 resends it accepted; x_curl: rate over"
  echo "the curl loop's, for the cold run its wall over one curl call's ($curl_call_ms ms, the loop's mean)."
  echo "curl loop halves (first, last): ${curl_halves[0]} and ${curl_halves[1]} req/s"
  printf '%s\n' "${notes[@]}"
}

# ---------------------------------------------------------------------------------------------

note "work dir $work ($(fstype "$work"))"
write_fixture "$work/fixture.json" "$domains"
start_sandbox main 0/1 0/1 "$work/fixture.json"
main_sandbox=$sandbox_pid
mkdir -p "$work/plugins" "$work/run"
chmod 0700 "$work/run"
cp "$plugin" "$work/plugins/"
write_config "$work/off.json" "$base_url" "$ca_file" '[{"requests": 1000000, "per_seconds": 1}]'
write_manifest "$work/manifest.json" "$TASKS" 24h
write_manifest "$work/manifest-0s.json" "$TASKS" 0s

note "curl loop, first half"
curl_loop 0 $((CURL_REQUESTS / 2))
curl_rss=$(curl_rss)
note "python: the seed's snippet, then a Session"
python_row "python seed snippet: requests.put per task" seed "$PY_REQUESTS" "-"
python_row "python requests.Session loop" session "$SESSION_REQUESTS" "-"
session_tps=$py_tps
note "taskhost run, cold"
cold_row
floor_row "floor: one PUT via Poco HTTPSClientSession alone (median)"
# The same with what any taskhost must add, at the least: the plugin's dlopen and describe, and
# one fdatasync'd record before the send (the ledger's intent): under the cold run by the rest.
floor_row "floor: the same + dlopen of the plugin + a durable intent" \
  --plugin "$plugin" --intent "$work/floor-intent.log"
note "taskhost apply, pacing off"
apply_row
ledger_row
poco_loop_row
ledger_put_row
note "the daemon"
start_daemon
daemon_process_row
daemon_keepalive_row
daemon_wrk_row
daemon_apply_row
note "wrk against the sandbox"
wrk_row
note "plugin reloads"
reload_row
soak_row
note "paced apply"
paced_row
note "curl loop, second half"
curl_loop $((CURL_REQUESTS / 2)) $((CURL_REQUESTS - CURL_REQUESTS / 2))
[ "$curl_ok" = "$CURL_REQUESTS" ] || fail "the curl loop got $curl_ok of $CURL_REQUESTS 204s"
curl_rate=$(rate "$CURL_REQUESTS" "$curl_s")
curl_call_ms=$(awk -v s="$curl_s" -v n="$CURL_REQUESTS" 'BEGIN { printf "%.1f", 1000 * s / n }')
curl_hs=$(awk -v c="$curl_conns" -v n="$CURL_REQUESTS" 'BEGIN { printf "%.1f", 1000 * c / n }')

print_table
if grep -rlF -f "$work/sandbox.key" "$work" --exclude=sandbox.key --exclude=curl-key.header >"$work/leaks" 2>/dev/null; then
  fail "the key appeared in: $(tr '\n' ' ' <"$work/leaks")"
fi
[ "$failures" -eq 0 ] || { note "$failures check(s) failed (see above)"; exit 1; }
