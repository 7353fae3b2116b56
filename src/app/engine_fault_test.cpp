// The engine through a fault-injecting JSON-RPC proxy in front of anvil:
// 429 with Retry-After, 5xx, dropped connections, slow and truncated
// answers, and eth_getLogs range refusals with and without a hint. Backfill
// and live follow still end with exactly the canonical chain stored.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "app/chain_indexer.hpp"
#include "app/engine.hpp"
#include "app/engine_test_support.hpp"
#include "store/store.hpp"
#include "sync/follower.hpp"
#include "sync/range_ingest.hpp"
#include "test_util/devnet.hpp"
#include "test_util/fault_proxy.hpp"
#include "test_util/populate.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::app {
namespace {

using test_util::Devnet;
using test_util::Fault;
using test_util::FaultProxy;
using test_util::RangeErrorStyle;

using testing::activity;
using testing::Backend;

FaultProxy::Options faulty(const Devnet& devnet, RangeErrorStyle style) {
    FaultProxy::Options options;
    options.upstream = devnet.url();
    options.seed = 77;
    options.rates.fill(0.03);  // about a quarter of all requests fail
    options.retry_after_seconds = 0;
    options.slow_delay = std::chrono::milliseconds(100);
    options.max_log_span = 3;
    options.max_logs = 150;  // busier blocks than this are read by block hash
    options.range_error = style;
    return options;
}

class EngineFaults : public ::testing::TestWithParam<std::tuple<Backend, RangeErrorStyle>> {
  protected:
    std::string database_url() { return testing::fresh_database(std::get<0>(GetParam()), dir_.path()); }

    test_util::TempDir dir_{"tokensync-faults"};
};

TEST_P(EngineFaults, BackfillThroughFaultsIsExact) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    // Busy blocks and empty stretches: a few hundred blocks, so that a few
    // hundred requests meet every kind of fault.
    for (uint64_t round = 0; round < 5; ++round) {
        test_util::populate(devnet, contracts, activity(41 + round, 800, 6));
        devnet.mine(60);
    }
    FaultProxy proxy(faulty(devnet, std::get<1>(GetParam())));
    auto config = testing::devnet_config(devnet, contracts, database_url());
    config.chains.front().rpc = {proxy.url()};
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    sync::IngestOptions options = ingest_options(config.sync);
    options.workers = 3;
    options.batch_logs = 1'000;
    options.max_span = 8;  // above the proxy's 3-block cap: the range planner must learn it
    for (const auto& c : contract_starts(config, chain))
        options.cursors.push_back({c.address, c.start_block});
    const uint64_t head = devnet.block_number();
    const auto result = sync::ingest_range(chain_target(chain), *store, indexer, 0, head, options);
    EXPECT_EQ(result.done_to, head);
    const auto counters = proxy.counters();
    EXPECT_GT(counters.faults(), 10U);
    EXPECT_GT(counters.range_refusals, 0U);
    for (std::size_t k = 0; k < test_util::kFaultKinds; ++k)
        EXPECT_GT(counters.injected[k], 0U) << test_util::fault_name(static_cast<Fault>(k));
    EXPECT_EQ(testing::compare_store(*store, chain.chain_id, contracts, testing::read_chain(devnet, contracts)), "");
}

TEST_P(EngineFaults, FollowThroughFaultsAndAReorgIsExact) {
    Devnet devnet(testing::quiet_devnet());
    const auto contracts = devnet.deploy_test_contracts();
    test_util::populate(devnet, contracts, activity(51, 1'000, 100));
    FaultProxy proxy(faulty(devnet, std::get<1>(GetParam())));
    auto config = testing::devnet_config(devnet, contracts, database_url());
    config.chains.front().rpc = {proxy.url()};
    const auto& chain = config.chains.front();
    auto store = store::open_store(config.database);
    store->migrate();
    ChainIndexer indexer(config, chain);
    auto options = follow_options(config, chain);
    options.retry_delay = std::chrono::milliseconds(50);
    sync::Follower follower(chain_target(chain), *store, indexer, contract_starts(config, chain), options);
    std::atomic<bool> stop{false};
    std::string error;
    std::thread thread([&] {
        try {
            follower.run(tracker_head_waiter(make_head_tracker(testing::polled(chain, 30))), stop);
        } catch (const std::exception& e) {
            error = e.what();
        }
    });
    auto converged = [&] {
        const auto truth = testing::read_chain(devnet, contracts);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            const auto cursor = store::open_store(config.database)->get_cursor(chain.chain_id, contracts.nft);
            if (cursor && cursor->block_hash == truth.head_hash) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    };
    for (uint64_t round = 0; round < 4; ++round) {
        test_util::populate(devnet, contracts, activity(60 + round, 300, 40));
        if (round == 2) devnet.reorg(4);
        EXPECT_TRUE(converged()) << "round " << round;
    }
    stop.store(true);
    thread.join();
    EXPECT_EQ(error, "");
    EXPECT_GT(proxy.counters().faults(), 0U);
    EXPECT_GE(follower.status().reorgs, 1U);
    auto reader = store::open_store(config.database);
    EXPECT_EQ(testing::compare_store(*reader, chain.chain_id, contracts, testing::read_chain(devnet, contracts)), "");
}

INSTANTIATE_TEST_SUITE_P(Backends, EngineFaults,
                         ::testing::Combine(::testing::Values(Backend::kSqlite, Backend::kPostgres),
                                            ::testing::Values(RangeErrorStyle::kHint, RangeErrorStyle::kNoHint)),
                         [](const auto& p) {
                             return std::string(testing::backend_name(std::get<0>(p.param))) +
                                    (std::get<1>(p.param) == RangeErrorStyle::kHint ? "_hint" : "_nohint");
                         });

}  // namespace
}  // namespace tokensync::app

namespace tokensync::app {
namespace {

// SQLite behind a proxy that only counts (no faults, no limits), on a chain
// with some activity; tests force faults or count requests through it.
class EngineRequests : public ::testing::Test {
  protected:
    EngineRequests() : contracts_{devnet_.deploy_test_contracts()} {
        test_util::populate(devnet_, contracts_, activity(61, 300, 20));
        FaultProxy::Options counting;
        counting.upstream = devnet_.url();
        proxy_.emplace(counting);
        config_ = testing::devnet_config(devnet_, contracts_, testing::fresh_database(Backend::kSqlite, dir_.path()));
        config_.chains.front().rpc = {proxy_->url()};
        store_ = store::open_store(config_.database);
        store_->migrate();
        indexer_.emplace(config_, chain());
    }

    const infra::ChainConfig& chain() const { return config_.chains.front(); }
    std::string compare() {
        return testing::compare_store(*store_, chain().chain_id, contracts_, testing::read_chain(devnet_, contracts_));
    }

    test_util::TempDir dir_{"tokensync-requests"};
    Devnet devnet_{testing::quiet_devnet()};
    test_util::TestContracts contracts_;
    std::optional<FaultProxy> proxy_;
    infra::Config config_;
    std::unique_ptr<store::Store> store_;
    std::optional<ChainIndexer> indexer_;
};

// A live step costs two requests whatever its length up to max_step_blocks:
// the new headers (one batch) and their logs. The cursor's own block is read
// only when the first new block does not hang off it (a reorg), or when no
// block is new (a reorg at the same height).
TEST_F(EngineRequests, ALiveStepReadsOnlyTheNewHeadersAndTheirLogs) {
    sync::Follower follower(chain_target(chain()), *store_, *indexer_, contract_starts(config_, chain()),
                            follow_options(config_, chain()));
    const std::atomic<bool> stop{false};
    follower.catch_up(stop);
    for (uint64_t round = 0; round < 3; ++round) {
        test_util::populate(devnet_, contracts_, activity(62 + round, 40, 5));
        const uint64_t head = devnet_.block_number();
        const uint64_t before = proxy_->counters().requests;
        follower.step(head);
        EXPECT_EQ(proxy_->counters().requests - before, 2U) << "round " << round;
        EXPECT_EQ(follower.status().processed, head);
    }
    // No new block: the cursor's block is read to catch a reorg at the same height.
    const uint64_t before = proxy_->counters().requests;
    follower.step(devnet_.block_number());
    EXPECT_EQ(proxy_->counters().requests - before, 1U);
    EXPECT_EQ(compare(), "");
}

// Over a network a round trip is most of a unit's time: a unit of up to 32
// blocks reads its logs and every header of its range in one batch, so the
// node sees one request per unit.
TEST_F(EngineRequests, ABackfillReadsEachShortUnitInOneRequest) {
    sync::IngestOptions ingest = ingest_options(config_.sync);
    ingest.workers = 2;
    ingest.max_span = 8;
    for (const auto& c : contract_starts(config_, chain()))
        ingest.cursors.push_back({c.address, c.start_block});
    const uint64_t head = devnet_.block_number();
    const uint64_t before = proxy_->counters().requests;
    const auto result = sync::ingest_range(chain_target(chain()), *store_, *indexer_, 0, head, ingest);
    EXPECT_EQ(result.done_to, head);
    EXPECT_GE(result.get_logs_calls, (head + 1 + 7) / 8);
    EXPECT_EQ(proxy_->counters().requests - before, result.get_logs_calls);
    EXPECT_EQ(compare(), "");
}

// A streak of failures longer than the client's own retries fails one unit's
// reads; the unit is read again after a pause instead of ending the backfill.
TEST_F(EngineRequests, ABackfillOutlastsAStreakOfFailuresLongerThanTheClientRetries) {
    sync::IngestOptions ingest = ingest_options(config_.sync);
    ingest.workers = 1;
    for (const auto& c : contract_starts(config_, chain()))
        ingest.cursors.push_back({c.address, c.start_block});
    const uint64_t head = devnet_.block_number();
    proxy_->force(Fault::kHttp503, 7);  // more than one call's attempts
    const auto result = sync::ingest_range(chain_target(chain()), *store_, *indexer_, 0, head, ingest);
    EXPECT_EQ(result.done_to, head);
    EXPECT_GE(proxy_->counters().faults(), 7U);
    EXPECT_EQ(compare(), "");
}

// A provider whose log index lags its blocks answers eth_getLogs without the
// newest blocks' logs (anvil does the same while it applies anvil_reorg).
// The headers' blooms show it: the live step writes nothing and is tried
// again; the catch-up reads the unit again, and fails after three answers
// that all lack the logs rather than storing a gap.
TEST_F(EngineRequests, AnAnswerMissingTheNewestLogsIsNotStored) {
    sync::Follower follower(chain_target(chain()), *store_, *indexer_, contract_starts(config_, chain()),
                            follow_options(config_, chain()));
    const std::atomic<bool> stop{false};
    follower.catch_up(stop);
    const auto before = follower.status().processed;
    test_util::populate(devnet_, contracts_, activity(71, 40, 3));
    const uint64_t head = devnet_.block_number();
    proxy_->set_lagging_logs(1.0);
    EXPECT_FALSE(follower.step(head));
    EXPECT_EQ(follower.status().processed, before);
    EXPECT_EQ(store_->get_cursor(chain().chain_id, contracts_.nft)->block_number, *before);
    EXPECT_GT(proxy_->counters().lagged_logs, 0U);
    proxy_->set_lagging_logs(0.0);
    EXPECT_TRUE(follower.step(head));
    EXPECT_EQ(follower.status().processed, head);
    EXPECT_EQ(compare(), "");
}

TEST_F(EngineRequests, ACatchUpDoesNotStoreAnAnswerMissingTheNewestLogs) {
    sync::IngestOptions ingest = ingest_options(config_.sync);
    ingest.all_headers_from = 0;  // the whole range is in the unfinalized window
    for (const auto& c : contract_starts(config_, chain()))
        ingest.cursors.push_back({c.address, c.start_block});
    test_util::populate(devnet_, contracts_, activity(72, 40, 3));
    const uint64_t head = devnet_.block_number();
    proxy_->set_lagging_logs(1.0);
    try {
        sync::ingest_range(chain_target(chain()), *store_, *indexer_, 0, head, ingest);
        ADD_FAILURE() << "the ingest stored an answer without the newest logs";
    } catch (const sync::IngestError& e) {
        EXPECT_NE(std::string(e.what()).find("answered without the logs of block"), std::string::npos) << e.what();
    }
    const auto cursor = store_->get_cursor(chain().chain_id, contracts_.nft);
    EXPECT_TRUE(!cursor || cursor->block_number + 1 < head);  // the lagging blocks are not behind the cursor
    proxy_->set_lagging_logs(0.0);
    const auto result = sync::ingest_range(chain_target(chain()), *store_, *indexer_,
                                           cursor ? cursor->block_number + 1 : 0, head, ingest);
    EXPECT_EQ(result.done_to, head);
    EXPECT_EQ(compare(), "");
}

}  // namespace
}  // namespace tokensync::app
