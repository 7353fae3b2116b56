// Store::apply throughput on a backfill-shaped batch: one block of 10,000
// ERC-1155 transfer logs (each with its raw event), into a fresh SQLite file
// and a fresh PostgreSQL database. Reports logs per second; a backfill from
// anvil serves 100,000-200,000 logs/s on a 2-core machine (DEVNET.md).
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>

#include "store/store.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::store {
namespace {

constexpr ChainId kChain = 31337;
constexpr uint64_t kLogsPerBatch = 10'000;
constexpr uint64_t kHolders = 1'000;
constexpr uint64_t kTokenIds = 50;

core::Hash32 hash(uint8_t tag, uint64_t n) {
    core::Hash32 h;
    h.bytes[0] = tag;
    for (int i = 0; i < 8; ++i)
        h.bytes[31 - i] = static_cast<uint8_t>(n >> (8 * i));
    return h;
}

core::Address address(uint8_t tag, uint64_t n) {
    core::ByteArray<20> b{};
    b[0] = tag;
    for (int i = 0; i < 8; ++i)
        b[19 - i] = static_cast<uint8_t>(n >> (8 * i));
    return core::Address(b);
}

// Block n: the first half of its logs mint to holders, the second half
// moves part of each mint on to the next holder, so balances are both
// created and updated, with many logs touching the same keys.
ChangeSet batch(uint64_t n) {
    const core::Address contract = address(0xc0, 1);
    ChangeSet c;
    c.chain_id = kChain;
    c.blocks = {{n, hash(0xb1, n), hash(0xb1, n - 1), static_cast<int64_t>(1'700'000'000 + n)}};
    c.raw_events.reserve(kLogsPerBatch);
    c.transfers.reserve(kLogsPerBatch);
    for (uint64_t i = 0; i < kLogsPerBatch; ++i) {
        const uint64_t slot = i % (kLogsPerBatch / 2);
        const bool mint = i < kLogsPerBatch / 2;
        const core::Address holder = address(0xa0, slot % kHolders);
        const core::Address next = address(0xa0, (slot + 1) % kHolders);
        Transfer t{.tx_hash = hash(0x7a, n * kLogsPerBatch + i / 4),
                   .log_index = i,
                   .batch_index = 0,
                   .block_number = n,
                   .block_timestamp = c.blocks[0].timestamp,
                   .contract = contract,
                   .standard = TokenStandard::kErc1155,
                   .operator_address = mint ? holder : next,
                   .from = mint ? core::Address{} : holder,
                   .to = mint ? holder : next,
                   .token_id = slot % kTokenIds,
                   .amount = mint ? 3 : 1};
        c.raw_events.push_back({.tx_hash = t.tx_hash,
                                .log_index = i,
                                .block_number = n,
                                .block_hash = c.blocks[0].hash,
                                .contract = contract,
                                .topics = {hash(0xe0, 1), hash(0xe0, 2), hash(0xe0, 3), hash(0xe0, 4)},
                                .data = core::Bytes(64, 0x11)});
        c.transfers.push_back(t);
    }
    c.cursors = {{contract, n, c.blocks[0].hash}};
    return c;
}

// CPU seconds used so far by the PostgreSQL backends serving `database`
// (their command line names it), from /proc; 0 for SQLite ("").
double server_cpu_seconds(const std::string& database) {
    if (database.empty()) return 0;
    const std::string needle = " " + database + " ";
    double ticks = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string command;
        if (!std::getline(cmdline, command, '\0') || !command.starts_with("postgres: ")) continue;
        if (command.find(needle) == std::string::npos) continue;
        std::ifstream stat_file(entry.path() / "stat");
        std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
        // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::vector<std::string> f{std::istream_iterator<std::string>(fields), {}};
        if (f.size() > 12) ticks += std::stod(f[11]) + std::stod(f[12]);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Applies one new block per iteration to a store opened on `url`; the
// batches are built outside the timed part. The machine is shared, so
// besides wall time it reports the CPU seconds one batch costs, client and
// server together: logs_per_cpu_s is the rate with a core to itself.
void run(benchmark::State& state, const std::string& url, const std::string& database) {
    auto store = open_store(url);
    store->migrate();
    uint64_t n = 1;
    double cpu = 0;
    for (auto _ : state) {
        state.PauseTiming();
        ChangeSet c = batch(n++);
        double before = server_cpu_seconds(database);
        std::clock_t client = std::clock();
        state.ResumeTiming();
        ApplyResult r = store->apply(c);
        state.PauseTiming();
        cpu += static_cast<double>(std::clock() - client) / CLOCKS_PER_SEC + server_cpu_seconds(database) - before;
        state.ResumeTiming();
        if (r.transfers.inserted != kLogsPerBatch) state.SkipWithError("transfers were not all inserted");
    }
    const double logs = static_cast<double>(state.iterations() * kLogsPerBatch);
    state.SetItemsProcessed(static_cast<int64_t>(logs));
    state.counters["logs_per_cpu_s"] = cpu > 0 ? logs / cpu : 0;
    state.SetLabel("logs");
}

void bm_apply_sqlite(benchmark::State& state) {
    test_util::TempDir dir("tokensync-bench");
    run(state, "sqlite://" + (dir / "bench.db").string(), "");
}

void bm_apply_postgres(benchmark::State& state) {
    const std::string url = test_util::shared_postgres_cluster().create_database();
    run(state, url, url.substr(url.rfind('/') + 1));
}

// rollback_above of one such block (applied outside the timed part).
void rollback(benchmark::State& state, const std::string& url) {
    auto store = open_store(url);
    store->migrate();
    store->apply(batch(1));
    uint64_t n = 2;
    for (auto _ : state) {
        state.PauseTiming();
        store->apply(batch(n));
        state.ResumeTiming();
        RollbackResult r = store->rollback_above(kChain, n - 1);
        if (r.transfers != kLogsPerBatch) state.SkipWithError("transfers were not all rolled back");
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kLogsPerBatch));
    state.SetLabel("logs");
}

void bm_rollback_sqlite(benchmark::State& state) {
    test_util::TempDir dir("tokensync-bench");
    rollback(state, "sqlite://" + (dir / "bench.db").string());
}

void bm_rollback_postgres(benchmark::State& state) {
    rollback(state, test_util::shared_postgres_cluster().create_database());
}

BENCHMARK(bm_apply_sqlite)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(bm_apply_postgres)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3.0);
BENCHMARK(bm_rollback_sqlite)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);
BENCHMARK(bm_rollback_postgres)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(2.0);

}  // namespace
}  // namespace tokensync::store

BENCHMARK_MAIN();
