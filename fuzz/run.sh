#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-19 (ASan + UBSan) and runs each one.
#
#   fuzz/run.sh [seconds-per-target] [build-dir]
#
# Defaults: 30 seconds, build-fuzz/ at the top of the repository. First every
# input kept under fuzz/regressions/<target>/ is replayed, then each target is
# fuzzed for the given time, its corpus in <build-dir>/corpus/<target> seeded
# from fuzz/seeds/<target> (with fuzz/dicts/<target>.dict when present), crash
# inputs written to <build-dir>/artifacts/.
# Prints executions, exec/s and crashes per target; with TOKENSYNC_REPORT_DIR
# set, also writes that table to $TOKENSYNC_REPORT_DIR/fuzz.md. Exits non-zero
# when a regression input or the fuzzer finds a crash.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-30}
build=${2:-$root/build-fuzz}
cxx=${TOKENSYNC_FUZZ_CXX:-clang++-19}
jobs=${FUZZ_JOBS:-2}

if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "fuzz: seconds per target must be a positive integer, not \"$seconds\"" >&2
  exit 2
fi
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "fuzz: $cxx not found; run scripts/setup.sh (Debian packages clang-19 libclang-rt-19-dev)" >&2
  exit 1
fi

targets=()
for source in "$root"/fuzz/*_fuzz.cpp; do
  targets+=("$(basename "$source" .cpp)")
done

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
    -DTOKENSYNC_FUZZ=ON -DTOKENSYNC_BUILD_TESTS=OFF -DTOKENSYNC_BUILD_BENCH=OFF >/dev/null
fi
build_start=$(date +%s)
cmake --build "$build" -j "$jobs" --target fuzz_targets
echo "fuzz: targets built in $(($(date +%s) - build_start)) s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
replayed=0
rows=()
for target in "${targets[@]}"; do
  bin="$build/fuzz/$target"
  artifacts="$build/artifacts/$target"
  corpus="$build/corpus/$target"
  logs="$build/logs"
  mkdir -p "$artifacts" "$corpus" "$logs"

  # Regression inputs: each once, before any fuzzing.
  regressions=("$root/fuzz/regressions/$target"/*)
  if [ -e "${regressions[0]}" ]; then
    if ! "$bin" "${regressions[@]}" >"$logs/$target.regressions.log" 2>&1; then
      echo "fuzz: $target: a regression input crashes again (log: $logs/$target.regressions.log)" >&2
      failed=1
    fi
    replayed=$((replayed + ${#regressions[@]}))
  fi

  seeds=()
  if [ -d "$root/fuzz/seeds/$target" ]; then seeds=("$root/fuzz/seeds/$target"); fi
  dict=()
  if [ -f "$root/fuzz/dicts/$target.dict" ]; then dict=(-dict="$root/fuzz/dicts/$target.dict"); fi
  before=$(find "$artifacts" -type f | wc -l)
  status=0
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "${dict[@]}" "$corpus" "${seeds[@]}" >"$logs/$target.log" 2>&1 || status=$?
  crashes=$(($(find "$artifacts" -type f | wc -l) - before))
  if ((status != 0 && crashes == 0)); then crashes=1; fi
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$target.log" | tail -1)
  corpus_size=$(find "$corpus" -type f | wc -l)
  printf 'fuzz: %-20s %10s executions %8s exec/s %6s corpus %3s crashes\n' \
    "$target" "${executions:-?}" "${rate:-?}" "$corpus_size" "$crashes"
  if ((crashes > 0)); then
    failed=1
    echo "fuzz: $target crashed; log: $logs/$target.log, inputs: $artifacts/" >&2
    grep -m 5 -E 'ERROR: |fuzz property violated|runtime error' "$logs/$target.log" >&2 || true
  fi
  rows+=("| \`$target\` | $seconds | ${executions:-?} | ${rate:-?} | $corpus_size | $crashes |")
done

if [ -n "${TOKENSYNC_REPORT_DIR:-}" ]; then
  mkdir -p "$TOKENSYNC_REPORT_DIR"
  {
    echo "### Fuzzing"
    echo
    echo "libFuzzer with ASan and UBSan (clang-19), \`fuzz/run.sh $seconds\`; $replayed regression inputs replayed first."
    echo
    echo "| target | seconds | executions | exec/s | corpus | crashes |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
  } >"$TOKENSYNC_REPORT_DIR/fuzz.md"
fi

echo "fuzz: $replayed regression inputs replayed; $([ $failed -eq 0 ] && echo "no crashes" || echo "CRASHES FOUND")"
exit $failed
