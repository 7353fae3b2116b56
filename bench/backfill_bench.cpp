// Backfill throughput against a local devnet (docs/performance.md): the rate
// at which anvil serves the chain's logs to a minimal client, then
// `tokensync backfill` into SQLite and PostgreSQL, several runs each. With
// --latency-ms both go through a proxy that delays every round trip, as a
// node across a network does.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/backfill_run.hpp"
#include "bench/bench_chain.hpp"
#include "bench/raw_logs.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::bench {
namespace {

struct Settings {
    uint64_t logs = 200'000;
    uint64_t seed = 1;
    // About 1,000 logs a block. anvil serves a block's logs slower per log
    // the more it holds (500 transactions a block: 4x slower raw rate), while
    // building takes only a little longer with more, smaller blocks.
    std::size_t block_txns = 100;
    std::size_t workers = 4;
    uint64_t span = 1;
    int runs = 3;
    std::string tokensync = std::string(TOKENSYNC_BUILD_DIR) + "/src/cli/tokensync";
    std::string cache_dir = std::string(TOKENSYNC_BUILD_DIR) + "/bench-cache";
    bool sqlite = true;
    bool postgres = true;
    int latency_ms = -1;  // added to every round trip by a proxy; -1: no proxy
};

// One configuration's runs: events/s, seconds, peak RSS.
struct Series {
    std::string name;
    std::vector<double> rates;
    std::vector<double> seconds;
    std::vector<double> rss_mb;
    std::string failure;  // the first failed run's message, if any
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::ranges::sort(v);
    const std::size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double min_of(const std::vector<double>& v) { return v.empty() ? 0 : *std::ranges::min_element(v); }
double max_of(const std::vector<double>& v) { return v.empty() ? 0 : *std::ranges::max_element(v); }

Series measure_raw(const Settings& s, const BenchChain& chain, const std::string& node_url) {
    Series series;
    series.name = fmt::format("raw eth_getLogs ({} workers, span {})", s.workers, s.span);
    RawLogsOptions options{.url = node_url,
                           .addresses = {chain.contracts.nft, chain.contracts.multi_token},
                           .from = chain.first_block,
                           .to = chain.last_block,
                           .workers = s.workers,
                           .span = s.span};
    for (int run = 1; run <= s.runs; ++run) {
        const auto r = read_raw_logs(options);
        if (r.logs != chain.logs)
            throw std::runtime_error(fmt::format("the node served {} logs, the chain holds {}", r.logs, chain.logs));
        std::printf("  raw run %d: %llu logs in %.2f s = %.0f logs/s (%llu calls)\n", run,
                    static_cast<unsigned long long>(r.logs), r.seconds, r.logs_per_second(),
                    static_cast<unsigned long long>(r.calls));
        series.rates.push_back(r.logs_per_second());
        series.seconds.push_back(r.seconds);
    }
    return series;
}

// `tokensync backfill` into a fresh database per run; database_for(run, dir) gives its URL.
template <typename DatabaseFor>
Series measure_backfill(const Settings& s, const BenchChain& chain, const std::string& node_url, std::string name,
                        DatabaseFor database_for) {
    Series series;
    series.name = std::move(name);
    for (int run = 1; run <= s.runs; ++run) {
        test_util::TempDir dir("tokensync-bench");
        BackfillRunOptions options{.tokensync = s.tokensync,
                                   .work_dir = dir.path(),
                                   .database_url = database_for(dir),
                                   .rpc_url = node_url,
                                   .contracts = chain.contracts,
                                   .artifacts = test_util::Devnet::artifact_path("PromptNFT").parent_path(),
                                   .from = chain.first_block,
                                   .to = chain.last_block,
                                   .workers = s.workers};
        const auto r = run_backfill(options);
        if (!r.ok()) {
            series.failure =
                fmt::format("exit status {}; stderr:\n{}\nstdout:\n{}", r.exit_status, r.stderr_text, r.stdout_text);
            std::printf("  %s run %d: FAILED (%s)\n", series.name.c_str(), run, series.failure.c_str());
            return series;
        }
        const double rate = static_cast<double>(chain.logs) / r.seconds;
        std::printf("  %s run %d: %.2f s = %.0f events/s, peak RSS %.1f MB\n", series.name.c_str(), run, r.seconds,
                    rate, static_cast<double>(r.peak_rss_kb) / 1024.0);
        series.rates.push_back(rate);
        series.seconds.push_back(r.seconds);
        series.rss_mb.push_back(static_cast<double>(r.peak_rss_kb) / 1024.0);
    }
    return series;
}

void print_table(const std::vector<Series>& all, double raw_median) {
    std::printf("\n%-44s %12s %12s %12s %9s %8s %10s\n", "configuration", "median/s", "min/s", "max/s", "median s",
                "vs raw", "peak MB");
    for (const auto& s : all) {
        if (!s.failure.empty()) {
            std::printf("%-44s FAILED (see above)\n", s.name.c_str());
            continue;
        }
        const std::string rss = s.rss_mb.empty() ? "-" : fmt::format("{:.1f}", max_of(s.rss_mb));
        std::printf("%-44s %12.0f %12.0f %12.0f %9.2f %7.0f%% %10s\n", s.name.c_str(), median(s.rates), min_of(s.rates),
                    max_of(s.rates), median(s.seconds), 100.0 * median(s.rates) / raw_median, rss.c_str());
    }
}

int run(const Settings& s) {
    std::printf("devnet: %llu logs, seed %llu (cache %s)\n", static_cast<unsigned long long>(s.logs),
                static_cast<unsigned long long>(s.seed), s.cache_dir.c_str());
    const BenchChain chain = open_bench_chain(s.cache_dir, s.logs, s.seed, s.block_txns);
    if (chain.from_cache) {
        std::printf("  loaded from the cache: blocks %llu..%llu, %llu logs\n",
                    static_cast<unsigned long long>(chain.first_block),
                    static_cast<unsigned long long>(chain.last_block), static_cast<unsigned long long>(chain.logs));
    } else {
        std::printf("  built: blocks %llu..%llu, %llu logs in %.1f s (%.0f logs/s)\n",
                    static_cast<unsigned long long>(chain.first_block),
                    static_cast<unsigned long long>(chain.last_block), static_cast<unsigned long long>(chain.logs),
                    chain.build_seconds, static_cast<double>(chain.logs) / chain.build_seconds);
    }

    // The proxy forwards every request after latency_ms, to both clients alike.
    std::optional<test_util::FaultProxy> proxy;
    std::string node_url = chain.devnet->url();
    if (s.latency_ms >= 0) {
        test_util::FaultProxy::Options options;
        options.upstream = node_url;
        options.slow_delay = std::chrono::milliseconds(s.latency_ms);
        options.rates[static_cast<std::size_t>(test_util::Fault::kSlow)] = 1.0;
        proxy.emplace(options);
        node_url = proxy->url();
        std::printf("  every round trip to the node delayed %d ms by a proxy\n", s.latency_ms);
    }

    std::vector<Series> all;
    all.push_back(measure_raw(s, chain, node_url));
    const double raw_median = median(all.front().rates);

    if (s.sqlite) {
        all.push_back(measure_backfill(
            s, chain, node_url, fmt::format("tokensync backfill, SQLite ({} workers)", s.workers),
            [](const test_util::TempDir& dir) { return "sqlite://" + (dir.path() / "bench.db").string(); }));
    }
    if (s.postgres) {
        test_util::PostgresCluster cluster;
        cluster.start();
        all.push_back(measure_backfill(s, chain, node_url,
                                       fmt::format("tokensync backfill, PostgreSQL ({} workers)", s.workers),
                                       [&](const test_util::TempDir&) { return cluster.create_database(); }));
    }

    // Live latency (WebSocket vs polling) has its own program:
    // bench/live_latency_bench.cpp.

    print_table(all, raw_median);
    const bool failed = std::ranges::any_of(all, [](const Series& x) { return !x.failure.empty(); });
    if (failed) std::printf("\nsome tokensync runs failed: their stderr is printed above\n");
    return failed ? 1 : 0;
}

}  // namespace
}  // namespace tokensync::bench

int main(int argc, char** argv) {
    tokensync::bench::Settings s;
    CLI::App app("Backfill benchmark: anvil's raw eth_getLogs rate vs tokensync backfill (SQLite, PostgreSQL)");
    app.add_option("--logs", s.logs, "Logs on the devnet (built once, then loaded from the cache)")
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", s.seed, "Seed of the generated activity");
    app.add_option("--block-txns", s.block_txns, "Transactions per block when building the chain")
        ->check(CLI::Range(1, 5'000));
    app.add_option("--workers", s.workers, "Parallel eth_getLogs callers, raw and tokensync")->check(CLI::Range(1, 64));
    app.add_option("--span", s.span, "Blocks per eth_getLogs call of the raw client")->check(CLI::PositiveNumber);
    app.add_option("--runs", s.runs, "Repetitions of each measurement")->check(CLI::Range(1, 100));
    app.add_option("--tokensync", s.tokensync, "The tokensync binary");
    app.add_option("--cache-dir", s.cache_dir, "Where built chains are kept");
    app.add_option("--latency-ms", s.latency_ms,
                   "Send both clients through a proxy that delays every round trip this long, as a network does (0: "
                   "the proxy alone)")
        ->check(CLI::Range(0, 10'000));
    app.add_flag("!--no-sqlite", s.sqlite, "Skip the SQLite backfill");
    app.add_flag("!--no-postgres", s.postgres, "Skip the PostgreSQL backfill");
    CLI11_PARSE(app, argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines show at once, also into a file
    try {
        return tokensync::bench::run(s);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "backfill_bench: %s\n", e.what());
        return 2;
    }
}
