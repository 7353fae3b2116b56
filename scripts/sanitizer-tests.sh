#!/usr/bin/env bash
# `make test-asan` / `make test-tsan`: configures and builds a sanitized tree
# (cmake/TokensyncSanitizers.cmake), runs the tests there and fails on any
# sanitizer report, including one from a `tokensync` process a test spawned.
#
#   scripts/sanitizer-tests.sh asan|tsan [build-dir]
#
# Environment: JOBS (build and ctest parallelism, default 2), SAN_LABELS (the
# ctest -L regex; defaults below), SAN_EXCLUDE (the -LE regex), SAN_SKIP (the
# -E regex of test names), SAN_TARGETS (build only these), CTEST_ARGS (more
# ctest arguments), TOKENSYNC_REPORT_DIR (when set, the results go to
# sanitizers.md there).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kind=${1:?usage: sanitizer-tests.sh asan|tsan [build-dir]}
case $kind in
  asan) sanitize=address ;;
  tsan) sanitize=thread ;;
  *) echo "sanitizer-tests: unknown kind '$kind' (asan or tsan)" >&2; exit 2 ;;
esac
build=${2:-build-$kind}
[[ $build = /* ]] || build=$root/$build
jobs=${JOBS:-2}
supp=$root/cmake/sanitizers

# ASan + UBSan: every label but `lint` (clang-format) and `fuzz` (its own clang
# ASan build). TSan: the same, without the long single-threaded suites (bulk
# store writes, missing ids, the randomized property runs, the kill -9 loops of
# sync_cli_test), which TSan only slows down; the threaded engine, daemon and
# API tests (`devnet-slow` among them) stay in.
labels=${SAN_LABELS:-'unit|store|cli|devnet|cast'}
exclude=${SAN_EXCLUDE:-'lint|fuzz'}
if [[ $kind = asan ]]; then
  skip=${SAN_SKIP:-}
else
  skip=${SAN_SKIP:-'^(store_bulk_test|missing_ids_test|property_devnet_test|sync_cli_test)($|\.)'}
fi
# ctest keeps only the last -E it is given, so a -E in CTEST_ARGS would
# silently drop SAN_SKIP (the TSan default above): name the skips in SAN_SKIP.
read -ra ctest_extra <<<"${CTEST_ARGS:-}"
for arg in "${ctest_extra[@]}"; do
  if [[ -n $skip && ( $arg = -E || $arg = --exclude-regex ) ]]; then
    echo "sanitizer-tests: CTEST_ARGS has $arg, which would replace SAN_SKIP ('$skip'); put both in SAN_SKIP" >&2
    exit 2
  fi
done

if [[ ! -f $build/build.ninja ]]; then
  # -O1: the usual level for sanitizer runs (readable stacks, far faster than -O0).
  # Assertions stay on. The benchmarks are not run here, so not built.
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DTOKENSYNC_SANITIZE=$sanitize \
    -DTOKENSYNC_BUILD_BENCH=OFF
fi

# Each sanitized process writes its reports to its own file here
# (<kind>.<exe>.<pid>): a report from a child `tokensync` whose exit code a
# test does not look at (kill -9 loops, expected failures) still fails the run.
logs=$build/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
common="log_path=$logs/$kind:log_exe_name=1"
export UBSAN_OPTIONS="$common:halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [[ $kind = asan ]]; then
  export ASAN_OPTIONS="$common:halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  if [[ -f $supp/lsan.supp ]]; then
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
  fi
else
  # halt_on_error=0: a test binary goes on after a race so one run shows them
  # all; it still exits 66, and the log files are checked below.
  export TSAN_OPTIONS="$common:halt_on_error=0:second_deadlock_stack=1:history_size=4${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
  if [[ -f $supp/tsan.supp ]]; then
    TSAN_OPTIONS="$TSAN_OPTIONS:suppressions=$supp/tsan.supp"
  fi
fi

start=$(date +%s)
# SAN_TARGETS: build only these (e.g. "tokensync head_tracker_test"); pair it with
# CTEST_ARGS="-R ..." to run only their tests.
# shellcheck disable=SC2086 # a list of target names
cmake --build "$build" -j "$jobs" ${SAN_TARGETS:+--target $SAN_TARGETS}
built=$(date +%s)

status=0
ctest_log=$build/sanitizer-ctest.log
# pipefail (above): a ctest failure is the pipeline's.
[[ -z $skip ]] || ctest_extra=(-E "$skip" "${ctest_extra[@]}")
ctest --test-dir "$build" --output-on-failure -j "$jobs" -L "$labels" -LE "$exclude" \
  "${ctest_extra[@]}" 2>&1 | tee "$ctest_log" || status=1
done_at=$(date +%s)

reports=$(find "$logs" -type f | sort)
nreports=0
[[ -z $reports ]] || nreports=$(wc -l <<<"$reports")
if [[ -n $reports ]]; then
  status=1
  echo "sanitizer-tests: $nreports sanitizer report file(s):" >&2
  for f in $reports; do
    echo "==== $f" >&2
    cat "$f" >&2
  done
fi

summary=$(grep -E '^[0-9]+% tests passed' "$ctest_log" | tail -1 || true)
total=$(sed -nE 's/.* out of ([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*, ([0-9]+) tests failed.*/\1/p' <<<"$summary")
total=${total:-0}
failed=${failed:-0}
passed=$((total - failed))
mins() { printf '%d min %02d s' $(($1 / 60)) $(($1 % 60)); }
echo "sanitizer-tests: $kind: build $(mins $((built - start))), ctest $(mins $((done_at - built))):" \
  "$passed passed, $failed failed of $total; $nreports sanitizer report file(s)" >&2

if [[ -n ${TOKENSYNC_REPORT_DIR:-} ]]; then
  mkdir -p "$TOKENSYNC_REPORT_DIR"
  out=$TOKENSYNC_REPORT_DIR/sanitizers.md
  header='| build | tests run (ctest labels) | passed | failed | sanitizer reports | build time | test time |'
  rule='|---|---|---|---|---|---|---|'
  name=$([[ $kind = asan ]] && echo 'ASan + UBSan' || echo 'TSan')
  # shellcheck disable=SC2016 # the quotes are part of the text
  selection="-L '$labels' -LE '$exclude'${skip:+ -E '$skip'}${CTEST_ARGS:+ $CTEST_ARGS}"
  row="| $name | $total (\`${selection//|/\\|}\`) | $passed | $failed | $nreports | $(mins $((built - start))) | $(mins $((done_at - built))) |"
  # One row per build: keep the other build's row from an earlier run.
  other=
  if [[ -f $out ]]; then
    other=$(grep -E '^\| (ASan|TSan)' "$out" | grep -v "^| $name |" || true)
  fi
  {
    echo '### Sanitizers'
    echo
    echo "$header"
    echo "$rule"
    [[ $kind = tsan && -n $other ]] && echo "$other"
    echo "$row"
    [[ $kind = asan && -n $other ]] && echo "$other"
    echo
    echo "Build with $jobs jobs on $(nproc) cores; a run fails on any failed test or any sanitizer report."
  } >"$out"
fi
exit $status
