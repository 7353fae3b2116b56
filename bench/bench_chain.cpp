#include "bench/bench_chain.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace tokensync::bench {
namespace {

using namespace std::chrono_literals;

// Bump when populate() or the contracts change what a seed produces.
constexpr int kCacheVersion = 3;

test_util::Devnet::Options node_options(std::vector<std::string> extra_args = {}) {
    test_util::Devnet::Options options;
    options.silent = true;  // a log line per request would slow the node down
    options.start_timeout = 120s;
    options.extra_args = std::move(extra_args);
    return options;
}

core::Address address_of(const std::map<std::string, std::string>& meta, const std::string& key) {
    const auto parsed = core::Address::from_hex_lenient(meta.at(key));
    if (!parsed) throw std::runtime_error(fmt::format("bad address for {} in the cache", key));
    return *parsed;
}

// The cached chain, or nothing when the files are missing or do not match.
std::optional<BenchChain> load(const std::filesystem::path& state, const std::filesystem::path& meta_path) {
    std::ifstream in(meta_path);
    if (!in || !std::filesystem::exists(state)) return std::nullopt;
    std::map<std::string, std::string> meta;
    for (std::string key, value; in >> key >> value;)
        meta[key] = value;
    try {
        BenchChain chain;
        chain.contracts.nft = address_of(meta, "nft");
        chain.contracts.multi_token = address_of(meta, "multi_token");
        chain.contracts.code_reveal = address_of(meta, "code_reveal");
        chain.first_block = std::stoull(meta.at("first_block"));
        chain.last_block = std::stoull(meta.at("last_block"));
        chain.logs = std::stoull(meta.at("logs"));
        chain.devnet = std::make_unique<test_util::Devnet>(node_options({"--load-state", state.string()}));
        if (chain.devnet->block_number() != chain.last_block) {
            std::fprintf(stderr, "cache %s: head %llu instead of %llu; rebuilding\n", state.c_str(),
                         static_cast<unsigned long long>(chain.devnet->block_number()),
                         static_cast<unsigned long long>(chain.last_block));
            return std::nullopt;
        }
        chain.from_cache = true;
        return chain;
    } catch (const std::out_of_range&) {
        std::fprintf(stderr, "cache %s: incomplete; rebuilding\n", meta_path.c_str());
        return std::nullopt;
    }
}

}  // namespace

BenchChain open_bench_chain(const std::filesystem::path& cache_dir, uint64_t target_logs, uint64_t seed,
                            std::size_t txns_per_block) {
    const auto stem = cache_dir / fmt::format("chain-{}-{}-{}-v{}", target_logs, seed, txns_per_block, kCacheVersion);
    const auto state = std::filesystem::path(stem.string() + ".json");
    const auto meta = std::filesystem::path(stem.string() + ".meta");
    if (auto cached = load(state, meta)) return *std::move(cached);

    BenchChain chain;
    chain.devnet = std::make_unique<test_util::Devnet>(node_options());
    chain.contracts = chain.devnet->deploy_test_contracts();
    test_util::PopulateOptions options;
    options.seed = seed;
    options.target_logs = target_logs;
    options.txns_per_block = txns_per_block;
    const auto started = std::chrono::steady_clock::now();
    const auto summary = test_util::populate(*chain.devnet, chain.contracts, options);
    chain.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    chain.first_block = summary.first_block;
    chain.last_block = summary.last_block;
    chain.logs = summary.total_logs();

    std::filesystem::create_directories(cache_dir);
    chain.devnet->save_state(state);
    std::ofstream out(meta, std::ios::trunc);
    out << "nft " << chain.contracts.nft.lower_hex() << "\nmulti_token " << chain.contracts.multi_token.lower_hex()
        << "\ncode_reveal " << chain.contracts.code_reveal.lower_hex() << "\nfirst_block " << chain.first_block
        << "\nlast_block " << chain.last_block << "\nlogs " << chain.logs << '\n';
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", meta.string()));
    return chain;
}

}  // namespace tokensync::bench
