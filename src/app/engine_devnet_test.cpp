// The engine on a real anvil node, on SQLite and PostgreSQL: a parallel
// backfill stores exactly the chain's logs, balances and owners; the
// follower keeps up with new blocks and with reorgs of depth 1 to 10, also
// one made while it was stopped; a reorg deeper than the finality window
// halts the chain and writes nothing.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/chain_indexer.hpp"
#include "app/engine.hpp"
#include "app/engine_test_support.hpp"
#include "store/store.hpp"
#include "sync/follower.hpp"
#include "sync/range_ingest.hpp"
#include "test_util/abi_call.hpp"
#include "test_util/devnet.hpp"
#include "test_util/populate.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::app {
namespace {

using test_util::calldata;
using test_util::dev_address;
using test_util::Devnet;

using testing::activity;
using testing::Backend;

class EngineOnDevnet : public ::testing::TestWithParam<Backend> {
  protected:
    std::string database_url() { return testing::fresh_database(GetParam(), dir_.path()); }

    test_util::TempDir dir_{"tokensync-engine"};
};

// Runs a follower on its own thread until stopped.
class RunningFollower {
  public:
    RunningFollower(sync::Follower& follower, const sync::HeadWaiter& waiter)
        : thread_([this, &follower, waiter] {
              try {
                  follower.run(waiter, stop_);
              } catch (const std::exception& e) {
                  error_ = e.what();
              }
          }) {}
    ~RunningFollower() { stop(); }
    RunningFollower(const RunningFollower&) = delete;
    RunningFollower& operator=(const RunningFollower&) = delete;

    void stop() {
        stop_.store(true);
        if (thread_.joinable()) thread_.join();
    }
    const std::string& error() const { return error_; }

  private:
    std::atomic<bool> stop_{false};
    std::string error_;
    std::thread thread_;
};

// Waits until the follower has processed `block` (true) or `timeout` passed.
bool wait_processed(const sync::Follower& follower, uint64_t block,
                    std::chrono::seconds timeout = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        const auto s = follower.status();
        if (s.processed && *s.processed >= block) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

TEST_P(EngineOnDevnet, ParallelBackfillStoresExactlyTheChain) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    const auto made = test_util::populate(devnet, contracts, activity(7, 50'000, 100));
    ASSERT_GE(made.total_logs(), 50'000U);
    const auto config = testing::devnet_config(devnet, contracts, database_url());
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    indexer.refresh(*store);
    sync::IngestOptions options = ingest_options(config.sync);
    options.workers = 4;
    options.batch_logs = 3'000;  // many commits
    const uint64_t head = devnet.block_number();
    for (const auto& c : contract_starts(config, chain))
        options.cursors.push_back({c.address, c.start_block});
    uint64_t progress_calls = 0;
    options.on_progress = [&](const sync::IngestProgress& p) {
        ++progress_calls;
        EXPECT_LE(p.done_to, head);
    };
    const auto result = sync::ingest_range(chain_target(chain), *store, indexer, 0, head, options);
    EXPECT_FALSE(result.interrupted);
    EXPECT_EQ(result.done_to, head);
    EXPECT_GE(result.commits, 2U);
    EXPECT_EQ(progress_calls, result.commits);
    EXPECT_EQ(indexer.rejected(), 0U);
    const auto truth = testing::read_chain(devnet, contracts);
    EXPECT_EQ(result.logs, truth.logs.size());
    EXPECT_EQ(testing::compare_store(*store, chain.chain_id, contracts, truth), "");
    const auto cursor = store->get_cursor(chain.chain_id, contracts.nft);
    ASSERT_TRUE(cursor);
    EXPECT_EQ(cursor->block_number, head);
    EXPECT_EQ(cursor->block_hash, truth.head_hash);
    // The same range again changes nothing.
    const auto again = sync::ingest_range(chain_target(chain), *store, indexer, 0, head, options);
    EXPECT_EQ(again.logs, result.logs);
    EXPECT_EQ(testing::compare_store(*store, chain.chain_id, contracts, truth), "");
}

TEST_P(EngineOnDevnet, FollowerKeepsUpThroughReorgsOfDepthOneToTen) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(3, 600, 40));
    const auto config = testing::devnet_config(devnet, contracts, database_url());
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    sync::Follower follower(chain_target(chain), *store, indexer, contract_starts(config, chain),
                            follow_options(config, chain));
    {
        RunningFollower running(follower, tracker_head_waiter(make_head_tracker(testing::polled(chain, 20))));
        ASSERT_TRUE(wait_processed(follower, devnet.block_number()));
        for (uint64_t depth = 1; depth <= 10; ++depth) {
            // New activity, then replace the newest `depth` blocks, then more
            // activity on the new branch.
            test_util::populate(devnet, contracts, activity(100 + depth, 100 + depth * 20, 10));
            ASSERT_TRUE(wait_processed(follower, devnet.block_number())) << "depth " << depth;
            devnet.reorg(depth);
            test_util::populate(devnet, contracts, activity(200 + depth, 60, 10));
            const uint64_t head = devnet.block_number();
            ASSERT_TRUE(wait_processed(follower, head)) << "depth " << depth;
            // processed may briefly equal head on the old branch; converge on the hash.
            const auto truth = testing::read_chain(devnet, contracts);
            for (int i = 0; i < 200; ++i) {
                const auto cursor = store::open_store(config.database)->get_cursor(chain.chain_id, contracts.nft);
                if (cursor && cursor->block_hash == truth.head_hash) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(25));
            }
            auto reader = store::open_store(config.database);
            EXPECT_EQ(testing::compare_store(*reader, chain.chain_id, contracts, truth), "") << "depth " << depth;
        }
        running.stop();
        EXPECT_EQ(running.error(), "");
    }
    const auto status = follower.status();
    EXPECT_GE(status.reorgs, 10U);
    EXPECT_EQ(status.max_reorg_depth, 10U);
}

TEST_P(EngineOnDevnet, ReorgWhileStoppedIsFoundAtCatchUp) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(5, 800, 50));
    devnet.mine(10);  // room for a reorg of 6 with activity inside it
    test_util::populate(devnet, contracts, activity(15, 300, 20));
    const auto config = testing::devnet_config(devnet, contracts, database_url());
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    std::atomic<bool> stop{false};
    {
        sync::Follower follower(chain_target(chain), *store, indexer, contract_starts(config, chain),
                                follow_options(config, chain));
        follower.catch_up(stop);
    }
    devnet.reorg(6);
    test_util::populate(devnet, contracts, activity(6, 200, 20));
    sync::Follower follower(chain_target(chain), *store, indexer, contract_starts(config, chain),
                            follow_options(config, chain));
    follower.catch_up(stop);
    EXPECT_EQ(follower.status().reorgs, 1U);
    EXPECT_EQ(follower.status().last_reorg_depth, 6U);
    EXPECT_EQ(testing::compare_store(*store, chain.chain_id, contracts, testing::read_chain(devnet, contracts)), "");
}

TEST_P(EngineOnDevnet, ReorgDeeperThanTheWindowHaltsAndWritesNothing) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(9, 300, 20));
    devnet.mine(80);
    const auto config = testing::devnet_config(devnet, contracts, database_url());
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    std::atomic<bool> stop{false};
    sync::FollowOptions options = follow_options(config, chain);
    sync::Follower follower(chain_target(chain), *store, indexer, contract_starts(config, chain), options);
    follower.catch_up(stop);
    const auto before = store->get_cursor(chain.chain_id, contracts.nft);
    const uint64_t events_before = [&] {
        uint64_t n = 0;
        store->scan_raw_events(chain.chain_id, contracts.multi_token, 1000,
                               [&](const store::RawEvent&, std::optional<int64_t>) { ++n; });
        return n;
    }();
    // anvil's "finalized" block is 64 below its head: replace 70 blocks.
    devnet.reorg(70);
    EXPECT_THROW(follower.step(devnet.block_number()), sync::ReorgTooDeepError);
    EXPECT_EQ(follower.status().state, sync::FollowState::kHalted);
    EXPECT_NE(follower.status().last_error.find("deeper than the finality window"), std::string::npos);
    EXPECT_EQ(store->get_cursor(chain.chain_id, contracts.nft), before);
    uint64_t events_after = 0;
    store->scan_raw_events(chain.chain_id, contracts.multi_token, 1000,
                           [&](const store::RawEvent&, std::optional<int64_t>) { ++events_after; });
    EXPECT_EQ(events_after, events_before);
    // Still halted on the next head: nothing is written.
    devnet.mine(1);
    EXPECT_THROW(follower.step(devnet.block_number()), sync::ReorgTooDeepError);
}

// Mines ERC-1155 mints one block at a time while a follower runs with
// `waiter`; each block's rows must show up in the store.
void expect_live_blocks_appear(Devnet& devnet, const test_util::TestContracts& contracts, const infra::Config& config,
                               const std::function<sync::HeadWaiter()>& make_waiter) {
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    sync::Follower follower(chain_target(chain), *store, indexer, contract_starts(config, chain),
                            follow_options(config, chain));
    RunningFollower running(follower, make_waiter());
    ASSERT_TRUE(wait_processed(follower, devnet.block_number()));
    auto reader = store::open_store(config.database);
    for (int i = 1; i <= 5; ++i) {
        devnet.send(dev_address(1), contracts.multi_token,
                    calldata("mint(address,uint256,uint256)", {dev_address(1).lower_hex(), "7", "3"}));
        ASSERT_TRUE(wait_processed(follower, devnet.block_number()));
        EXPECT_EQ(reader->get_balance(chain.chain_id, contracts.multi_token, 7, dev_address(1)),
                  core::Uint256(static_cast<uint64_t>(3 * i)));
    }
    running.stop();
    EXPECT_EQ(running.error(), "");
    EXPECT_EQ(testing::compare_store(*reader, chain.chain_id, contracts, testing::read_chain(devnet, contracts)), "");
}

TEST_P(EngineOnDevnet, LiveBlocksAppearWhilePolling) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    const auto config = testing::devnet_config(devnet, contracts, database_url());
    expect_live_blocks_appear(devnet, contracts, config, [&] {
        return tracker_head_waiter(make_head_tracker(testing::polled(config.chains.front(), 50)));
    });
}

TEST_P(EngineOnDevnet, LiveBlocksAppearOverTheWebSocket) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    const auto config = testing::devnet_config(devnet, contracts, database_url());
    std::shared_ptr<chain::evm::HeadTracker> tracker;
    expect_live_blocks_appear(devnet, contracts, config, [&] {
        // A long poll interval: heads can only come quickly from the socket.
        auto chain = config.chains.front();
        chain.poll_interval_ms = 60'000;
        tracker = make_head_tracker(chain);
        return tracker_head_waiter(tracker);
    });
    ASSERT_TRUE(tracker);
    EXPECT_EQ(tracker->status().mode, chain::evm::HeadTrackerMode::kWebSocket);
    EXPECT_GE(tracker->status().heads_received, 5U);
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineOnDevnet, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return std::string(testing::backend_name(p.param)); });

}  // namespace
}  // namespace tokensync::app
