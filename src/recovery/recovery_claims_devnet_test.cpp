// Two recoveries at once on one PostgreSQL database (two stores, as two
// `tokensync` processes would have; docs/service.md, "Running two
// instances"): 30% of the token rows of an indexed chain deleted, then
// recovered by both together, page by page. Each missing id is read from
// the contract and written by exactly one of them: their claims
// (SELECT ... FOR UPDATE SKIP LOCKED) split the pages.
#include <algorithm>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "recovery/recovery.hpp"
#include "recovery/recovery_test_support.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::recovery {
namespace {

using namespace std::chrono_literals;
using app::testing::Backend;
using core::Uint256;

constexpr uint64_t kTokens = 600;

TEST(ConcurrentRecoveries, ReadAndWriteEachMissingIdOnce) {
    const testing::MintedChain chain =
        testing::mint_chain({.tokens = kTokens, .first_id = 1, .authors = 4, .seed = 20'261'125});
    test_util::TempDir dir;
    testing::IndexedDatabase db = testing::index_chain(chain, Backend::kPostgres, dir.path(), 2);
    ASSERT_EQ(db.store->count_tokens(db.chain_id(), chain.contracts.nft), kTokens);

    std::vector<uint64_t> ids;
    for (uint64_t id = 1; id <= kTokens; ++id)
        ids.push_back(id);
    std::shuffle(ids.begin(), ids.end(), std::mt19937_64(5));
    ids.resize(kTokens * 3 / 10);
    std::sort(ids.begin(), ids.end());
    testing::RawDatabase raw(db.url);
    for (uint64_t id : ids) {
        raw.execute("DELETE FROM tokens WHERE chain_id = ? AND contract = ? AND token_id = ?",
                    {static_cast<int64_t>(db.chain_id()), chain.contracts.nft.lower_hex(), raw.u256(id)});
    }

    // Every id whose author was read, by which recovery; each page waits a
    // little before it is written so the two overlap.
    std::mutex mutex;
    std::map<uint64_t, int> read_by;
    std::vector<uint64_t> duplicates;
    const RecoveryTarget target = recovery_target(db.config);
    std::latch start(2);
    RecoveryResult results[2];
    auto run = [&](int who) {
        auto store = store::open_store(db.url);
        RecoverOptions options;
        options.page_size = 20;
        options.before_write = [&, who](std::span<const Uint256> page) {
            {
                std::lock_guard lock(mutex);
                for (const Uint256& id : page) {
                    if (!read_by.emplace(id.low64(), who).second) duplicates.push_back(id.low64());
                }
            }
            std::this_thread::sleep_for(50ms);
        };
        start.arrive_and_wait();
        results[who] = recover(target, *store, options);
    };
    std::thread first(run, 0);
    std::thread second(run, 1);
    first.join();
    second.join();

    EXPECT_TRUE(duplicates.empty()) << fmt::format("ids read by both recoveries: {}", fmt::join(duplicates, ", "));
    EXPECT_EQ(read_by.size(), ids.size());
    EXPECT_EQ(results[0].recovered + results[1].recovered, ids.size());
    EXPECT_EQ(results[0].duplicates_skipped + results[1].duplicates_skipped, 0U);
    EXPECT_EQ(db.store->count_tokens(db.chain_id(), chain.contracts.nft), kTokens);
    for (uint64_t id : ids) {
        const auto token = db.store->get_token(db.chain_id(), chain.contracts.nft, id);
        ASSERT_TRUE(token) << "id " << id;
        EXPECT_EQ(token->author, testing::attributed_author(chain, id, 2)) << "id " << id;
    }
    EXPECT_EQ(raw.execute("DELETE FROM work_claims", {}), 0);  // ended claims leave no row
    fmt::print("recovered by the first: {} (claimed elsewhere {}), by the second: {} (claimed elsewhere {})\n",
               results[0].recovered, results[0].claimed_elsewhere, results[1].recovered, results[1].claimed_elsewhere);
}

}  // namespace
}  // namespace tokensync::recovery
