#pragma once

// The randomized crash-and-reorg property test (issue 6): one seed is a
// fresh database, the devnet reset to the snapshot taken after the test
// contracts were deployed, and a random interleaving of token activity,
// reorgs, kill -9 of `tokensync run`, PostgreSQL restarts, signed webhook
// deliveries and RPC faults. Afterwards the database must hold exactly the
// canonical chain. property_devnet_test.cpp runs the seeds in shards and
// writes the report fragments.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/engine_test_support.hpp"
#include "test_util/devnet.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::app::testing {

enum class ActionKind {
    kActivity,     // populate(): mints, ERC-721 and ERC-1155 transfers, batch transfers, burns
    kReorgEmpty,   // anvil_reorg(depth, []): the last blocks replaced by empty ones
    kReorgBranch,  // anvil_reorg(depth, txns): a new branch with other transactions, sometimes longer
    kKill,         // kill -9 of tokensync at a random moment
    kRestart,      // tokensync started again (then caught up)
    kPgRestart,    // the PostgreSQL server stopped and started (PostgreSQL only)
    kWebhook,      // signed Alchemy deliveries: new blocks, replays, re-sent and orphaned blocks
    kFaultBurst,   // the proxy fails the next few requests
};
inline constexpr std::size_t kActionKinds = 8;
std::string_view action_name(ActionKind kind);

// Rows that differ between the store and the chain.
struct RowCounts {
    uint64_t missing = 0;    // on the chain, not in the store
    uint64_t duplicate = 0;  // the same log stored twice
    uint64_t extra = 0;      // in the store, not on the chain (an orphaned log, a stale balance)
    uint64_t wrong = 0;      // in both, with another value (owner, amount, author)

    uint64_t total() const { return missing + duplicate + extra + wrong; }
    RowCounts& operator+=(const RowCounts& o);
};

struct SeedResult {
    uint64_t seed = 0;
    bool passed = false;
    std::string failure;  // what went wrong (empty when passed)
    std::string notes;    // context of convergences slower than 5 s
    std::array<uint64_t, kActionKinds> actions{};
    std::vector<uint64_t> reorg_depths;
    std::vector<double> reorg_converge_ms;    // reorg made -> cursors at the new head's hash
    std::vector<double> restart_converge_ms;  // process started -> cursors at the head's hash
    RowCounts rows;
    uint64_t logs = 0;    // logs of the two contracts on the canonical chain at the end
    uint64_t blocks = 0;  // the chain's head at the end
    uint64_t webhook_posts = 0;
    uint64_t startup_exits = 0;       // `tokensync run` exited at start (node unreachable) and was started again
    std::string startup_exit_sample;  // the error of the first such exit
    uint64_t rpc_faults = 0;          // injected by the proxy during the seed
    double seconds = 0;
};

struct PropertyOptions {
    std::size_t min_actions = 8;
    std::size_t max_actions = 14;
    uint64_t max_reorg_depth = 12;  // well inside the finality window (64)
};

// One anvil node, the contracts, a snapshot and a fault proxy, shared by the
// seeds of one shard; a fresh node every kSeedsPerChain seeds (after about
// 40 seeds of reorgs and reverts, anvil 1.7.1 built an anvil_reorg branch on
// a state without the contracts, whose eth_call then answered "0x").
// Not thread-safe.
class PropertyWorld {
  public:
    PropertyWorld(Backend backend, PropertyOptions options = {});
    ~PropertyWorld();
    PropertyWorld(const PropertyWorld&) = delete;
    PropertyWorld& operator=(const PropertyWorld&) = delete;

    // Runs one seed; never throws (an exception is a failed seed).
    SeedResult run_seed(uint64_t seed);
    Backend backend() const noexcept { return backend_; }

    static constexpr std::size_t kSeedsPerChain = 20;

  private:
    friend class SeedRun;
    void fresh_chain();  // a new node, its contracts, snapshot and proxy

    Backend backend_;
    PropertyOptions options_;
    test_util::TempDir dir_{"tokensync-property"};
    std::unique_ptr<test_util::Devnet> devnet_;
    test_util::TestContracts contracts_;
    uint64_t deploy_block_ = 0;  // reorgs never reach it
    std::string snapshot_;
    std::unique_ptr<test_util::FaultProxy> proxy_;
    std::size_t seeds_on_chain_ = 0;
};

// Median and 99th percentile (nearest rank); 0 for an empty list.
double percentile(std::vector<double> values, double p);

}  // namespace tokensync::app::testing
