#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this): installs what it needs,
# checks formatting, builds and runs every test in a normal build and under ASan+UBSan, the
# threaded ones under ThreadSanitizer, replays and then fuzzes every parser. Ends with one line
# "summary: N passed, N failed".
#
#   bash tests/run-all.sh
#
# Environment: JOBS (default: nproc), FUZZ_SECONDS per fuzz target (default 20; 0 skips the
# libFuzzer runs, the corpus replays still run in both builds), FUZZ_SEED (default 1, so a run
# explores the same inputs on every machine; set another to explore further).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-20}
fuzz_seed=${FUZZ_SEED:-1}
passed=0
failed=0
# ccache, when the machine has it, makes rebuilds of the same sources cheap (paths are taken
# relative to this checkout and the build directory is not hashed, so another clone on the same
# machine hits the same cache; debug info then names the first clone's directory).
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

step() { printf '\n==== %s\n' "$*"; }

# Runs ctest in a build dir, adds its counts to the summary, and checks that no canary key
# reached any test's output.
#   run_ctest DIR [PREFIX...] [-- CTEST-ARGS...]
# PREFIX (e.g. `env NAME=value`) runs ctest; CTEST-ARGS (e.g. `-R regex`) are ctest's own.
run_ctest() {
  local dir=$1 log
  shift
  local prefix=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    prefix+=("$1")
    shift
  done
  [ $# -eq 0 ] || shift
  args=("$@")
  log=$(mktemp)
  set +e
  "${prefix[@]}" ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 300 "${args[@]}" \
    2>&1 | tee "$log"
  set -e
  local line total bad
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then
    echo "run-all: ctest in $dir printed no result line" >&2
    failed=$((failed + 1))
  else
    bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
  fi
  if grep -q 'CANARY-KEY' "$dir/Testing/Temporary/LastTest.log" 2>/dev/null; then
    echo "run-all: a canary API key appears in the test output of $dir (a secret leaked)" >&2
    grep -n 'CANARY-KEY' "$dir/Testing/Temporary/LastTest.log" | cut -c1-200 >&2
    failed=$((failed + 1))
  fi
  rm -f "$log"
}

step "dependencies"
bash tests/install-deps.sh

step "formatting (clang-format --dry-run -Werror)"
mapfile -t sources < <(git ls-files -- '*.c' '*.cpp' '*.h')
if ! clang-format --dry-run -Werror "${sources[@]}"; then
  echo "run-all: run clang-format -i on the files above" >&2
  failed=$((failed + 1))
fi

step "build and test (RelWithDebInfo, warnings are errors)"
cmake -S . -B build -G Ninja -DTASKHOST_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build -j"$jobs"
run_ctest build

step "build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTASKHOST_SANITIZE=ON \
  -DTASKHOST_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build-asan -j"$jobs"
run_ctest build-asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The threaded parts under ThreadSanitizer: the daemon (API, reloads under load, its pacer, its
# manifests), the host pacer, manifest applies (kill -9 included), the ledger's turn rules and the
# plugin's concurrency, pacing and generations. Only the test binaries they need are built (the
# whole tree under TSan is slow), and tests that measure speed are left to the stages above.
# Every process, the daemons and applies the tests start included, writes its reports to
# build-tsan/tsan-reports; any report fails the stage. Debian's Poco and OpenSSL are not
# instrumented (TSan sees only their libc calls); no suppression is needed for these tests.
step "build and test under ThreadSanitizer"
cmake -S . -B build-tsan -G Ninja -DTASKHOST_TSAN=ON -DTASKHOST_WERROR=ON "${launcher[@]}" >/dev/null
cmake --build build-tsan -j"$jobs" --target taskhost_daemon_tests taskhost_daemon_dcv_tests \
  host_pacing_tests manifest_apply_tests ledger_unit_tests digicert_dcv_plugin_test \
  settings_schema_concurrency_tests
tsan_tests='^(Daemon[A-Za-z]*|TaskQueue|TaskSubmission|PluginReload(er)?|ReloadUnderLoad|SocketTrust'
tsan_tests+='|BucketSchedule|HostPacer|Manifest(Apply|Examples|ExamplesApply|WatchTest)'
tsan_tests+='|NextSharedTurn|JournalVerdictRules|Concurrency|Pacing|Generations'
tsan_tests+='|SettingsSchemaConcurrency)\.'
rm -rf build-tsan/tsan-reports
mkdir -p build-tsan/tsan-reports
run_ctest build-tsan \
  env TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$root/build-tsan/tsan-reports/report" \
  -- -R "$tsan_tests"
if compgen -G 'build-tsan/tsan-reports/report*' >/dev/null; then
  echo "run-all: ThreadSanitizer reported (build-tsan/tsan-reports):" >&2
  head -n 200 build-tsan/tsan-reports/report* >&2
  failed=$((failed + 1))
fi

if [ "$fuzz_seconds" -gt 0 ]; then
  step "fuzzing each parser for ${fuzz_seconds}s (clang, libFuzzer, ASan+UBSan)"
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DTASKHOST_FUZZ=ON -DTASKHOST_SANITIZE=ON "${launcher[@]}" >/dev/null
  cmake --build build-fuzz -j"$jobs" --target fuzz_all
  while read -r target; do
    [ -n "$target" ] || continue
    mkdir -p "build-fuzz/found/$target"
    if "build-fuzz/tests/fuzz/$target" -max_total_time="$fuzz_seconds" -seed="$fuzz_seed" -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="build-fuzz/found/$target/" \
      "build-fuzz/found/$target" "$root/tests/fuzz/corpus/$target" >"build-fuzz/$target.log" 2>&1; then
      echo "fuzz $target: $(grep -Eo 'Done [0-9]+ runs' "build-fuzz/$target.log" | tail -n 1), no crash"
      passed=$((passed + 1))
    else
      echo "fuzz $target: FAILED (crash input in build-fuzz/found/$target/)" >&2
      tail -n 40 "build-fuzz/$target.log" >&2
      failed=$((failed + 1))
    fi
  done <build-fuzz/tests/fuzz/fuzz_targets.txt
fi

echo
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
