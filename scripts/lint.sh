#!/usr/bin/env bash
# Lint gate. Without arguments: clang-format --dry-run --Werror on every tracked
# .cpp/.hpp (cheap; registered as the `lint_format` CTest test).
# With `--tidy BUILD_DIR`: also clang-tidy-16 over every tracked src/ and
# test_util/ .cpp using BUILD_DIR/compile_commands.json (slow; ~15 min on 2 cores).
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"

tidy_dir=""
if [[ "${1:-}" == "--tidy" ]]; then
    tidy_dir="${2:?usage: lint.sh [--tidy BUILD_DIR]}"
fi

git ls-files -z '*.cpp' '*.hpp' | xargs -0 -r clang-format --dry-run --Werror
echo "lint: clang-format clean"

if [[ -n "$tidy_dir" ]]; then
    if [[ ! -f "$tidy_dir/compile_commands.json" ]]; then
        echo "lint: $tidy_dir/compile_commands.json not found; configure the build first" >&2
        exit 2
    fi
    out="$(mktemp)"
    trap 'rm -f "$out"' EXIT
    status=0
    git ls-files -z 'src/*.cpp' 'test_util/*.cpp' |
        xargs -0 -r -n1 -P"$(nproc)" clang-tidy-16 -p "$tidy_dir" --quiet >"$out" 2>/dev/null || status=$?
    if [[ $status -ne 0 ]] || grep -qE '(warning|error):' "$out"; then
        cat "$out"
        echo "lint: clang-tidy findings (exit $status)" >&2
        exit 1
    fi
    echo "lint: clang-tidy clean"
fi
