#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "test_util/devnet.hpp"
#include "test_util/populate.hpp"

namespace tokensync::bench {

// A devnet holding the benchmark's chain, and where its logs are.
struct BenchChain {
    std::unique_ptr<test_util::Devnet> devnet;
    test_util::TestContracts contracts;
    uint64_t first_block = 0;  // first block with logs
    uint64_t last_block = 0;   // the head
    uint64_t logs = 0;         // logs of both contracts in [first_block, last_block]
    bool from_cache = false;
    double build_seconds = 0;  // populating it, when not from the cache
};

// Starts anvil from the cached state for these options when there is one
// (cache_dir/chain-<logs>-<seed>-<txns>-v<N>.json and its .meta), else builds
// the chain with test_util::populate (txns_per_block transactions a block)
// and saves it there for the next run.
BenchChain open_bench_chain(const std::filesystem::path& cache_dir, uint64_t target_logs, uint64_t seed,
                            std::size_t txns_per_block);

}  // namespace tokensync::bench
