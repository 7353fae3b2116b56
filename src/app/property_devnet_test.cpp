// The randomized crash-and-reorg property test (issue 6), in shards: each
// shard is one anvil node (and, for PostgreSQL, one cluster) running its
// share of the seeds; ctest runs the shards side by side. A seed is a
// random interleaving of token activity, reorgs inside the finality window
// (empty blocks, or a new branch with other transactions), kill -9 of
// `tokensync run`, PostgreSQL restarts, signed webhook deliveries (replays,
// orphaned blocks) and RPC faults; at the end the database must hold exactly
// the canonical chain (property_scenario.hpp).
//
//   TOKENSYNC_PROPERTY_SEEDS=<n>  seeds per back-end, over all shards (default 100)
//   TOKENSYNC_PROPERTY_SEED=<n>   replays that one seed (in the shard that owns it)
//   TOKENSYNC_REPORT_DIR=<dir>    each shard writes property_<backend>_<shard>.json there
//
// A seed replays the same actions; their timing against the daemon's threads
// (where a kill lands, which request a drawn fault hits) is not replayed.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/property_scenario.hpp"

namespace tokensync::app {
namespace {

using testing::Backend;
using testing::PropertyWorld;
using testing::SeedResult;

constexpr std::size_t kShards = 4;
constexpr uint64_t kDefaultSeeds = 100;

uint64_t env_number(const char* name, uint64_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    try {
        return std::stoull(v);
    } catch (const std::exception&) {
        ADD_FAILURE() << name << "=\"" << v << "\" is not a number";
        return fallback;
    }
}

// Seeds 1..N per back-end; shard k owns those with (seed - 1) % kShards == k.
std::vector<uint64_t> shard_seeds(std::size_t shard) {
    std::vector<uint64_t> out;
    if (const uint64_t one = env_number("TOKENSYNC_PROPERTY_SEED", 0); one != 0) {
        if ((one - 1) % kShards == shard) out.push_back(one);
        return out;
    }
    const uint64_t count = env_number("TOKENSYNC_PROPERTY_SEEDS", kDefaultSeeds);
    for (uint64_t seed = shard + 1; seed <= count; seed += kShards)
        out.push_back(seed);
    return out;
}

template <class T>
std::string json_list(const std::vector<T>& values) {
    std::string out = "[";
    for (std::size_t i = 0; i < values.size(); ++i)
        out += fmt::format("{}{}", i == 0 ? "" : ",", values[i]);
    return out + "]";
}

// What a shard did, written for scripts/reliability-report.sh: one key per
// line, so awk can read it without a JSON parser.
struct ShardReport {
    std::vector<uint64_t> seeds;
    std::vector<uint64_t> failed;
    std::array<uint64_t, testing::kActionKinds> actions{};
    testing::RowCounts rows;
    std::vector<uint64_t> depths;
    std::vector<double> reorg_ms;
    std::vector<double> restart_ms;
    uint64_t logs = 0;
    uint64_t webhook_posts = 0;
    uint64_t rpc_faults = 0;
    uint64_t startup_exits = 0;
    double seconds = 0;

    void add(const SeedResult& r) {
        seeds.push_back(r.seed);
        if (!r.passed) failed.push_back(r.seed);
        for (std::size_t i = 0; i < actions.size(); ++i)
            actions[i] += r.actions[i];
        rows += r.rows;
        depths.insert(depths.end(), r.reorg_depths.begin(), r.reorg_depths.end());
        reorg_ms.insert(reorg_ms.end(), r.reorg_converge_ms.begin(), r.reorg_converge_ms.end());
        restart_ms.insert(restart_ms.end(), r.restart_converge_ms.begin(), r.restart_converge_ms.end());
        logs += r.logs;
        webhook_posts += r.webhook_posts;
        rpc_faults += r.rpc_faults;
        startup_exits += r.startup_exits;
        seconds += r.seconds;
    }

    std::string json(const char* backend, std::size_t shard) const {
        std::string actions_json;
        for (std::size_t i = 0; i < actions.size(); ++i)
            actions_json += fmt::format("{}\"{}\": {}", i == 0 ? "" : ", ",
                                        testing::action_name(static_cast<testing::ActionKind>(i)), actions[i]);
        std::vector<std::string> reorg_text;
        std::vector<std::string> restart_text;
        for (double v : reorg_ms)
            reorg_text.push_back(fmt::format("{:.1f}", v));
        for (double v : restart_ms)
            restart_text.push_back(fmt::format("{:.1f}", v));
        return fmt::format(
            "{{\n"
            "\"backend\": \"{}\",\n"
            "\"shard\": {},\n"
            "\"shards\": {},\n"
            "\"seeds\": {},\n"
            "\"seed_list\": {},\n"
            "\"failed_seeds\": {},\n"
            "\"seconds\": {:.1f},\n"
            "\"actions\": {{{}}},\n"
            "\"missing\": {},\n"
            "\"duplicate\": {},\n"
            "\"extra\": {},\n"
            "\"wrong\": {},\n"
            "\"logs_checked\": {},\n"
            "\"webhook_posts\": {},\n"
            "\"rpc_faults\": {},\n"
            "\"startup_exits\": {},\n"
            "\"reorg_depths\": {},\n"
            "\"reorg_converge_ms\": {},\n"
            "\"restart_converge_ms\": {},\n"
            "\"reorg_converge_median_ms\": {:.1f},\n"
            "\"reorg_converge_p99_ms\": {:.1f},\n"
            "\"restart_converge_median_ms\": {:.1f},\n"
            "\"restart_converge_p99_ms\": {:.1f}\n"
            "}}\n",
            backend, shard, kShards, seeds.size(), json_list(seeds), json_list(failed), seconds, actions_json,
            rows.missing, rows.duplicate, rows.extra, rows.wrong, logs, webhook_posts, rpc_faults, startup_exits,
            json_list(depths), json_list(reorg_text), json_list(restart_text), testing::percentile(reorg_ms, 50),
            testing::percentile(reorg_ms, 99), testing::percentile(restart_ms, 50),
            testing::percentile(restart_ms, 99));
    }
};

class PropertyDevnet : public ::testing::TestWithParam<std::tuple<Backend, std::size_t>> {};

TEST_P(PropertyDevnet, SeedsEndExact) {
    const auto [backend, shard] = GetParam();
    const char* name = testing::backend_name(backend);
    const auto seeds = shard_seeds(shard);
    if (seeds.empty()) GTEST_SKIP() << "no seed for this shard";
    PropertyWorld world(backend);
    ShardReport report;
    for (const uint64_t seed : seeds) {
        const SeedResult r = world.run_seed(seed);
        report.add(r);
        std::fprintf(stderr, "[property %s/%zu] seed %llu %s in %.1f s: %zu reorgs, %llu kills, %llu logs\n", name,
                     shard, static_cast<unsigned long long>(seed), r.passed ? "ok" : "FAILED", r.seconds,
                     r.reorg_depths.size(),
                     static_cast<unsigned long long>(r.actions[static_cast<std::size_t>(testing::ActionKind::kKill)]),
                     static_cast<unsigned long long>(r.logs));
        if (!r.notes.empty()) std::fprintf(stderr, "%s", r.notes.c_str());
        if (r.startup_exits > 0) {
            std::fprintf(stderr, "[property %s/%zu] seed %llu: tokensync run exited at start %llu time(s): %s\n", name,
                         shard, static_cast<unsigned long long>(seed), static_cast<unsigned long long>(r.startup_exits),
                         r.startup_exit_sample.c_str());
        }
        EXPECT_TRUE(r.passed) << "seed " << seed << " failed on " << name
                              << "; replay it with\n  TOKENSYNC_PROPERTY_SEED=" << seed
                              << " ctest -R 'property_devnet_test.*/" << name << "_" << shard << "( |$)'\n"
                              << r.failure;
    }
    if (const char* dir = std::getenv("TOKENSYNC_REPORT_DIR"); dir != nullptr && *dir != '\0') {
        std::filesystem::create_directories(dir);
        const auto path = std::filesystem::path(dir) / fmt::format("property_{}_{}.json", name, shard);
        std::ofstream(path) << report.json(name, shard);
    }
    // The generator must have exercised what it claims to, over a shard's seeds.
    if (seeds.size() >= 10) {
        using testing::ActionKind;
        auto done = [&](ActionKind k) { return report.actions[static_cast<std::size_t>(k)]; };
        EXPECT_GT(done(ActionKind::kReorgEmpty) + done(ActionKind::kReorgBranch), 0u);
        EXPECT_GT(done(ActionKind::kReorgBranch), 0u);
        EXPECT_GT(done(ActionKind::kKill), 0u);
        EXPECT_GT(done(ActionKind::kWebhook), 0u);
        EXPECT_GT(report.rpc_faults, 0u);
        if (backend == Backend::kPostgres) {
            EXPECT_GT(done(ActionKind::kPgRestart), 0u);
        }
        EXPECT_FALSE(report.reorg_ms.empty());
        EXPECT_FALSE(report.restart_ms.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Shards, PropertyDevnet,
                         ::testing::Combine(::testing::Values(Backend::kSqlite, Backend::kPostgres),
                                            ::testing::Range<std::size_t>(0, kShards)),
                         [](const auto& p) {
                             return fmt::format("{}_{}", testing::backend_name(std::get<0>(p.param)),
                                                std::get<1>(p.param));
                         });

}  // namespace
}  // namespace tokensync::app
