# The two commands of the README: `make run` and `make test`.
BUILD_DIR ?= build
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: setup configure build run test test-fast test-slow test-asan test-tsan bench fuzz reliability format tidy clean

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

configure: setup $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Runs tokensync's main job on a local devnet with the embedded SQLite store.
run: build
	@bash scripts/run-devnet.sh $(BUILD_DIR)

# The whole suite: unit, store (SQLite and PostgreSQL), devnet and cast checks.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) $(CTEST_ARGS)

# Only the fast unit tests.
test-fast: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L unit

# The tests under AddressSanitizer + UndefinedBehaviorSanitizer, and under
# ThreadSanitizer, each in its own build directory; any sanitizer report, also
# from a spawned `tokensync`, fails the run. SAN_JOBS: build and ctest jobs;
# SAN_LABELS overrides the labels run (scripts/sanitizer-tests.sh).
ASAN_BUILD_DIR ?= build-asan
TSAN_BUILD_DIR ?= build-tsan
SAN_JOBS ?= 2
test-asan: setup
	JOBS=$(SAN_JOBS) bash scripts/sanitizer-tests.sh asan $(ASAN_BUILD_DIR)

test-tsan: setup
	JOBS=$(SAN_JOBS) bash scripts/sanitizer-tests.sh tsan $(TSAN_BUILD_DIR)

# The backfill benchmark (docs/performance.md): builds only it and tokensync,
# then runs it with its defaults; e.g. BENCH_ARGS="--runs 5 --no-postgres".
BENCH_ARGS ?=
bench: configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target backfill_bench live_latency_bench recovery_bench tokensync
	$(BUILD_DIR)/bench/backfill_bench $(BENCH_ARGS)
	$(BUILD_DIR)/bench/live_latency_bench 2>/dev/null
	$(BUILD_DIR)/bench/recovery_bench

# The libFuzzer targets (fuzz/): built with clang-19 in build-fuzz, the
# regression inputs replayed, then FUZZ_SECONDS of fuzzing per target.
FUZZ_SECONDS ?= 30
fuzz: setup
	bash fuzz/run.sh $(FUZZ_SECONDS) build-fuzz

# docs/reliability.md from one command: the randomized property test (100
# seeds per back-end), plus what RELIABILITY_ARGS asks for: --fuzz SECONDS,
# --asan, --tsan (scripts/reliability-report.sh lists every option).
RELIABILITY_ARGS ?= --fuzz 30
reliability: build
	bash scripts/reliability-report.sh --build $(BUILD_DIR) $(RELIABILITY_ARGS)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

tidy: configure
	bash scripts/lint.sh --tidy $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
