#!/usr/bin/env bash
# Writes docs/reliability.md (issue 6) from one command:
#
#   scripts/reliability-report.sh [options]
#
#   --build DIR        build directory of the property test (default: build)
#   --seeds N          property seeds per back-end (default: the test's, 100)
#   --no-property      do not run the property test; reuse its fragments
#   --fuzz [SECONDS]   also run fuzz/run.sh (SECONDS per target, default 30)
#   --asan, --tsan     also run scripts/sanitizer-tests.sh asan / tsan
#   --report-dir DIR   where the fragments go (default: BUILD/reliability)
#   --out FILE         the report (default: docs/reliability.md)
#   -j N               ctest jobs for the property shards (default 2)
#
# The property shards (property_devnet_test, `devnet;slow`) each write
# property_<backend>_<shard>.json into the report directory; fuzz/run.sh
# writes fuzz.md and sanitizer-tests.sh sanitizers.md there. Fragments of
# steps not run this time are reused when present. Needs bash, awk and
# sort only. Exits non-zero when a step that ran failed; the report is
# written either way.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$root/build
seeds=
run_property=1
fuzz_seconds=
sanitizers=()
report_dir=
out=$root/docs/reliability.md
jobs=2

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  case $1 in
    --build) build=${2:?--build needs a directory}; shift ;;
    --seeds) seeds=${2:?--seeds needs a number}; shift ;;
    --no-property) run_property=0 ;;
    --fuzz)
      fuzz_seconds=30
      if [[ ${2:-} =~ ^[0-9]+$ ]]; then fuzz_seconds=$2; shift; fi ;;
    --asan) sanitizers+=(asan) ;;
    --tsan) sanitizers+=(tsan) ;;
    --report-dir) report_dir=${2:?--report-dir needs a directory}; shift ;;
    --out) out=${2:?--out needs a file}; shift ;;
    -j) jobs=${2:?-j needs a number}; shift ;;
    -h|--help) usage ;;
    *) echo "reliability-report: unknown option '$1'" >&2; usage ;;
  esac
  shift
done
[[ $build = /* ]] || build=$PWD/$build
report_dir=${report_dir:-$build/reliability}
[[ $report_dir = /* ]] || report_dir=$PWD/$report_dir
if [[ -n $seeds && ! $seeds =~ ^[1-9][0-9]*$ ]]; then
  echo "reliability-report: --seeds must be a positive number, not '$seeds'" >&2
  exit 2
fi
mkdir -p "$report_dir"
export TOKENSYNC_REPORT_DIR=$report_dir

status=0
property_wall=
property_status=
if ((run_property)); then
  if [[ ! -f $build/build.ninja ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$build" -j "$jobs" --target tokensync property_devnet_test
  rm -f "$report_dir"/property_*.json
  start=$(date +%s)
  set +e
  TOKENSYNC_PROPERTY_SEEDS=${seeds:-${TOKENSYNC_PROPERTY_SEEDS:-}} \
    ctest --test-dir "$build" -R '^property_devnet_test\.' -j "$jobs" --output-on-failure
  property_status=$?
  set -e
  property_wall=$(($(date +%s) - start))
  ((property_status == 0)) || status=1
  echo "$property_wall $property_status $jobs" >"$report_dir/property_run.txt"
elif [[ -f $report_dir/property_run.txt ]]; then
  read -r property_wall property_status jobs <"$report_dir/property_run.txt"
fi
if [[ -n $fuzz_seconds ]]; then
  if [[ -x $root/fuzz/run.sh || -f $root/fuzz/run.sh ]]; then
    bash "$root/fuzz/run.sh" "$fuzz_seconds" || status=1
  else
    echo "reliability-report: fuzz/run.sh not found; skipping fuzzing" >&2
  fi
fi
for kind in "${sanitizers[@]}"; do
  if [[ -f $root/scripts/sanitizer-tests.sh ]]; then
    bash "$root/scripts/sanitizer-tests.sh" "$kind" || status=1
  else
    echo "reliability-report: scripts/sanitizer-tests.sh not found; skipping $kind" >&2
  fi
done

# ---- assembly ----

# The value of a one-line key of a fragment ("key": value,).
value() { awk -v k="\"$1\":" '$1 == k { v = $0; sub(/^[^:]*: */, "", v); sub(/,$/, "", v); print v; exit }' "$2"; }
# The numbers of a one-line array key, one per line.
numbers() {
  for f in "${@:2}"; do
    value "$1" "$f" | tr -d '[] ' | tr ',' '\n' | awk 'NF'
  done
}
sum() { numbers "$@" | awk '{ s += $1 } END { print s + 0 }'; }
# Nearest-rank percentile of the numbers on stdin.
percentile() {
  sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
    if (NR == 0) { print "–"; exit }
    r = int(p / 100 * NR); if (r < p / 100 * NR) r++; if (r < 1) r = 1
    printf "%.0f ms", v[r] }'
}
# "1–100" for a run of consecutive seeds, else the count and the ends.
seed_span() {
  sort -n | awk 'NR == 1 { lo = $1 } { if (NR > 1 && $1 != prev + 1) gaps = 1; prev = $1; n++ }
    END { if (n == 0) print "none"; else if (!gaps) printf "%d–%d", lo, prev; else printf "%d seeds from %d to %d", n, lo, prev }'
}

backends=()
for b in sqlite postgres; do
  compgen -G "$report_dir/property_${b}_*.json" >/dev/null && backends+=("$b")
done
kinds=(activity reorg_empty reorg_branch kill9 restart pg_restart webhook fault_burst)

{
  echo "# Reliability report"
  echo
  echo "Written by \`scripts/reliability-report.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
    "commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown). Do not edit by hand: run the script."
  echo
  echo "## Randomized crash-and-reorg property test"
  echo
  echo "\`src/app/property_devnet_test.cpp\` (labels \`devnet;slow\`, 4 shards per back-end). Each seed: a fresh"
  echo "database, the anvil devnet reverted to the snapshot taken after the test contracts were deployed, then 8 to 14"
  echo "random actions against a real \`tokensync run\` (webhooks on, RPC through the fault-injecting proxy, heads over"
  echo "the node's WebSocket, finality depth 64): token activity (ERC-721 batch mints and transfers, ERC-1155 mints,"
  echo "transfers, batch transfers and burns), reorgs of depth 1 to 12 (empty blocks, or a new branch with other"
  echo "transactions, sometimes longer than the old one), kill -9 at random moments (also during a rollback, and"
  echo "while catching up), PostgreSQL stop/start under the running daemon, signed Alchemy deliveries (new blocks,"
  echo "replays of the same delivery, re-sent blocks under a new id, orphaned blocks) and bursts of forced faults on"
  echo "top of a per-seed fault rate. At the end \`/status\` must show the head processed, and the store must equal the"
  echo "canonical chain: logs (with their block hash), ERC-1155 balances, ERC-721 owners, tokens and their authors."
  echo "A failing seed prints \`TOKENSYNC_PROPERTY_SEED=<n>\`, which replays its actions."
  echo
  if ((${#backends[@]} == 0)); then
    echo "_Not run: no property fragments in the report directory._"
  else
    echo "| back-end | runs (seeds) | failed seeds | logs checked | missing | duplicate | extra | wrong | seed time, summed |"
    echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
    for b in "${backends[@]}"; do
      files=("$report_dir"/property_"$b"_*.json)
      failed=$(numbers failed_seeds "${files[@]}" | sort -n | paste -sd, -)
      secs=$(for f in "${files[@]}"; do value seconds "$f"; done | awk '{ s += $1 } END { printf "%.0f s", s }')
      printf '| %s | %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n' "$b" \
        "$(for f in "${files[@]}"; do value seeds "$f"; done | awk '{ s += $1 } END { print s + 0 }')" \
        "$(numbers seed_list "${files[@]}" | seed_span)" "${failed:-none}" \
        "$(for f in "${files[@]}"; do value logs_checked "$f"; done | awk '{ s += $1 } END { print s + 0 }')" \
        "$(for f in "${files[@]}"; do value missing "$f"; done | awk '{ s += $1 } END { print s + 0 }')" \
        "$(for f in "${files[@]}"; do value duplicate "$f"; done | awk '{ s += $1 } END { print s + 0 }')" \
        "$(for f in "${files[@]}"; do value extra "$f"; done | awk '{ s += $1 } END { print s + 0 }')" \
        "$(for f in "${files[@]}"; do value wrong "$f"; done | awk '{ s += $1 } END { print s + 0 }')" \
        "$secs"
    done
    [[ -n $property_wall ]] && echo && echo "Wall time of the run (both back-ends, \`ctest -j $jobs\`): $((property_wall / 60)) min $((property_wall % 60)) s; ctest exit status $property_status."
    echo
    echo "Actions done (summed over the seeds), and what reached tokensync:"
    echo
    printf '| back-end |'; printf ' %s |' "${kinds[@]}"; echo ' RPC faults injected | webhook posts | start-up exits |'
    printf '|---|'; printf -- '---:|%.0s' "${kinds[@]}"; printf '%s\n' '---:|---:|---:|'
    for b in "${backends[@]}"; do
      files=("$report_dir"/property_"$b"_*.json)
      printf '| %s |' "$b"
      for k in "${kinds[@]}"; do
        for f in "${files[@]}"; do
          value actions "$f" | tr -d '{}' | tr ',' '\n' | awk -v k="\"$k\":" '$1 == k { print $2 }'
        done | awk '{ s += $1 } END { printf " %d |", s }'
      done
      for key in rpc_faults webhook_posts startup_exits; do
        for f in "${files[@]}"; do value $key "$f"; done | awk '{ s += $1 } END { printf " %d |", s }'
      done
      echo
    done
    echo
    echo "A start-up exit is \`tokensync run\` exiting with status 2 because the node failed every retry of a start-up"
    echo "call (a burst of forced faults); the test starts it again as a supervisor would, and counts it."
    echo
    echo "Reorg depths exercised (depth: count) and time to converge: after a reorg, from the reorg to both cursors"
    echo "at the new head with its hash; after a restart, from the process start to the same. Reorgs followed by a"
    echo "kill, and restarts not waited for, are not timed. A reorg that keeps the height (anvil_reorg replaces the"
    echo "newest blocks, and no new head reaches the follower) is found by its 5 s idle check, which is what"
    echo "the p99 shows; one that adds a block is found at the new head."
    echo
    echo "| back-end | reorgs | depths | timed reorgs | reorg median | reorg p99 | timed restarts | restart median | restart p99 |"
    echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
    for b in "${backends[@]}"; do
      files=("$report_dir"/property_"$b"_*.json)
      depths=$(numbers reorg_depths "${files[@]}" | sort -n | uniq -c | awk '{ printf "%s%d: %d", (NR > 1 ? ", " : ""), $2, $1 }')
      printf '| %s | %d | %s | %d | %s | %s | %d | %s | %s |\n' "$b" \
        "$(numbers reorg_depths "${files[@]}" | wc -l)" "${depths:-none}" \
        "$(numbers reorg_converge_ms "${files[@]}" | wc -l)" \
        "$(numbers reorg_converge_ms "${files[@]}" | percentile 50)" \
        "$(numbers reorg_converge_ms "${files[@]}" | percentile 99)" \
        "$(numbers restart_converge_ms "${files[@]}" | wc -l)" \
        "$(numbers restart_converge_ms "${files[@]}" | percentile 50)" \
        "$(numbers restart_converge_ms "${files[@]}" | percentile 99)"
    done
  fi
  echo
  echo "## Fuzzing"
  echo
  if [[ -f $report_dir/fuzz.md ]]; then
    sed '1{/^### /d}' "$report_dir/fuzz.md" | sed '1{/^$/d}'
  else
    echo "_Not run: pass \`--fuzz [SECONDS]\` (needs clang-19, see fuzz/run.sh)._"
  fi
  echo
  echo "## Sanitizers"
  echo
  if [[ -f $report_dir/sanitizers.md ]]; then
    sed '1{/^### /d}' "$report_dir/sanitizers.md" | sed '1{/^$/d}'
  else
    echo "_Not run: pass \`--asan\` and/or \`--tsan\` (scripts/sanitizer-tests.sh)._"
  fi
  # Fragments of other scenarios, as they come (e.g. two instances on one database, secrets).
  for f in "$report_dir"/*.md; do
    [[ -e $f ]] || continue
    case $(basename "$f") in fuzz.md | sanitizers.md) continue ;; esac
    echo
    cat "$f"
  done
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "reliability-report: wrote $out (fragments in $report_dir)"
exit $status
