// Counter-gap recovery against a real anvil on SQLite and PostgreSQL: 5,000
// tokens minted in random batches by random minters for random prompt
// authors (some unknown, so the default author applies), indexed by the
// engine, 10% of the token rows deleted at random, then recovered: exactly
// the deleted set with the right authors, --limit, dry run, a second run,
// racing writers, and every error with its message.
#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/engine_test_support.hpp"
#include "infra/redact.hpp"
#include "recovery/recovery.hpp"
#include "recovery/recovery_test_support.hpp"
#include "test_util/devnet.hpp"

namespace tokensync::recovery {
namespace {

using app::testing::Backend;
using core::Address;
using core::Uint256;

constexpr uint64_t kTokens = 5'000;
constexpr uint64_t kFirstId = 1;
constexpr std::size_t kAuthors = 12;  // prompt authors; the first kKnown have an authors row
constexpr std::size_t kKnown = 8;

const Address kDefaultAuthor = testing::default_author();

// The chain, minted once for every test of the binary.
testing::MintedChain& chain() {
    static testing::MintedChain c =
        testing::mint_chain({.tokens = kTokens, .first_id = kFirstId, .authors = kAuthors, .seed = 20'261'124});
    return c;
}

// The wallet a token of `id` must be attributed to, as stored.
std::string expected_author(uint64_t id) { return testing::attributed_author(chain(), id, kKnown); }

class RecoveryOnDevnet : public ::testing::TestWithParam<Backend> {
  protected:
    // A database with the authors (known ones checksummed, the default in
    // lower case) and every minted token indexed by the engine.
    void index_everything(const std::string& multicall = "off") {
        testing::IndexedDatabase db = testing::index_chain(chain(), GetParam(), dir_.path(), kKnown, multicall);
        url_ = db.url;
        config_ = std::move(db.config);
        store_ = std::move(db.store);
        ASSERT_EQ(store_->count_tokens(chain_id(), nft()), kTokens);
    }

    // Deletes `fraction` of the token rows at random; returns their ids, ascending.
    std::vector<uint64_t> delete_random(double fraction, uint64_t seed) {
        std::vector<uint64_t> ids;
        for (uint64_t id = kFirstId; id < kFirstId + kTokens; ++id)
            ids.push_back(id);
        std::mt19937_64 rng(seed);
        std::shuffle(ids.begin(), ids.end(), rng);
        ids.resize(static_cast<std::size_t>(static_cast<double>(kTokens) * fraction));
        std::sort(ids.begin(), ids.end());
        testing::RawDatabase raw(url_);
        for (uint64_t id : ids) {
            raw.execute("DELETE FROM tokens WHERE chain_id = ? AND contract = ? AND token_id = ?",
                        {static_cast<int64_t>(chain_id()), nft().lower_hex(), raw.u256(id)});
        }
        EXPECT_EQ(store_->count_tokens(chain_id(), nft()), kTokens - ids.size());
        return ids;
    }

    // Every id has its row, attributed as the chain says, status detected.
    void expect_all_rows(const std::vector<uint64_t>& recovered_ids) {
        EXPECT_EQ(store_->count_tokens(chain_id(), nft()), kTokens);
        for (uint64_t id : recovered_ids) {
            const auto token = store_->get_token(chain_id(), nft(), id);
            ASSERT_TRUE(token) << "id " << id;
            EXPECT_EQ(token->author, expected_author(id)) << "id " << id;
            EXPECT_EQ(token->status, store::TokenStatus::kDetected) << "id " << id;
        }
    }

    RecoveryTarget target() const { return recovery_target(config_); }
    store::ChainId chain_id() const { return config_.chains.front().chain_id; }
    static Address nft() { return chain().contracts.nft; }

    test_util::TempDir dir_;
    std::string url_;
    infra::Config config_;
    std::unique_ptr<store::Store> store_;
};

RecoverOptions dry_run() {
    RecoverOptions o;
    o.dry_run = true;
    return o;
}

RecoverOptions with_limit(uint64_t limit) {
    RecoverOptions o;
    o.limit = limit;
    return o;
}

RecoverOptions with_page_size(std::size_t page_size) {
    RecoverOptions o;
    o.page_size = page_size;
    return o;
}

std::vector<Uint256> u256s(const std::vector<uint64_t>& ids) { return {ids.begin(), ids.end()}; }

TEST_P(RecoveryOnDevnet, RestoresExactlyTheDeletedRows) {
    // One back-end reads through Multicall3, the other through JSON-RPC batches.
    const bool multicall = GetParam() == Backend::kSqlite;
    index_everything(multicall ? chain().multicall.lower_hex() : "off");
    // The indexer attributed every token as recovery will.
    for (uint64_t id : {kFirstId, kFirstId + kTokens / 2, kFirstId + kTokens - 1})
        EXPECT_EQ(store_->get_token(chain_id(), nft(), id)->author, expected_author(id));
    const std::vector<uint64_t> deleted = delete_random(0.10, 77);
    ASSERT_EQ(deleted.size(), kTokens / 10);

    // Dry run: the whole set is reported, nothing is written.
    const RecoveryResult dry = recover(target(), *store_, dry_run());
    EXPECT_EQ(dry.missing, deleted.size());
    EXPECT_EQ(dry.first_missing, u256s({deleted.begin(), deleted.begin() + RecoveryResult::kSampleSize}));
    EXPECT_EQ(dry.recovered, 0U);
    EXPECT_EQ(store_->count_tokens(chain_id(), nft()), kTokens - deleted.size());

    // --limit 50: the 50 lowest missing ids.
    const RecoveryResult limited = recover(target(), *store_, with_limit(50));
    EXPECT_EQ(limited.recovered, 50U);
    EXPECT_EQ(limited.missing, 50U);
    EXPECT_EQ(store_->count_tokens(chain_id(), nft()), kTokens - deleted.size() + 50);
    EXPECT_TRUE(store_->get_token(chain_id(), nft(), deleted[49]));
    EXPECT_FALSE(store_->get_token(chain_id(), nft(), deleted[50]));

    // The rest, in small pages so several page loops run.
    const RecoveryResult full = recover(target(), *store_, with_page_size(128));
    EXPECT_EQ(full.recovered, deleted.size() - 50);
    EXPECT_EQ(full.duplicates_skipped, 0U);
    EXPECT_TRUE(full.failed.empty());
    EXPECT_EQ(full.total_on_chain, Uint256(kTokens));
    EXPECT_EQ(full.multicall.has_value(), multicall);
    expect_all_rows(deleted);

    // A second run finds nothing to do.
    const RecoveryResult again = recover(target(), *store_);
    EXPECT_EQ(again.recovered, 0U);
    EXPECT_EQ(again.missing, 0U);
    EXPECT_EQ(again.total_on_chain, Uint256(kTokens));
}

TEST_P(RecoveryOnDevnet, AWriterBetweenScanAndWriteIsCountedAsDuplicates) {
    index_everything();
    const std::vector<uint64_t> deleted = delete_random(0.10, 78);
    // Another connection (the live follower, a webhook) inserts every third
    // id of each page after recovery found it missing, before it writes.
    auto other = store::open_store(url_);
    uint64_t raced = 0;
    RecoverOptions options;
    options.page_size = 64;
    options.before_write = [&](std::span<const Uint256> ids) {
        store::ChangeSet c;
        c.chain_id = chain_id();
        for (std::size_t i = 0; i < ids.size(); i += 3) {
            store::Token t;
            t.contract = nft();
            t.token_id = ids[i];
            t.author = expected_author(ids[i].low64());
            c.tokens.push_back(t);
        }
        raced += other->apply(c).tokens.inserted;
    };
    const RecoveryResult r = recover(target(), *store_, options);
    EXPECT_GT(raced, 0U);
    EXPECT_EQ(r.duplicates_skipped, raced);
    EXPECT_EQ(r.recovered + r.duplicates_skipped, deleted.size());
    EXPECT_TRUE(r.failed.empty());
    expect_all_rows(deleted);
}

TEST_P(RecoveryOnDevnet, AConcurrentWriterLeavesNoDuplicateAndNoError) {
    index_everything();
    const std::vector<uint64_t> deleted = delete_random(0.10, 79);
    // A thread inserts the deleted ids from the top down while recovery
    // works from the bottom up; they meet somewhere in the middle.
    std::atomic<bool> go{false};
    uint64_t writer_inserted = 0;
    std::thread writer([&] {
        auto other = store::open_store(url_);
        while (!go.load())
            std::this_thread::yield();
        for (std::size_t end = deleted.size(); end > 0;) {
            const std::size_t begin = end > 5 ? end - 5 : 0;
            store::ChangeSet c;
            c.chain_id = chain_id();
            for (std::size_t i = begin; i < end; ++i) {
                store::Token t;
                t.contract = nft();
                t.token_id = deleted[i];
                t.author = expected_author(deleted[i]);
                c.tokens.push_back(t);
            }
            writer_inserted += other->apply(c).tokens.inserted;
            end = begin;
        }
    });
    RecoverOptions options;
    options.page_size = 20;
    go.store(true);
    const RecoveryResult r = recover(target(), *store_, options);
    writer.join();
    EXPECT_TRUE(r.failed.empty());
    // Each deleted row was inserted exactly once, by one of the two.
    EXPECT_EQ(r.recovered + writer_inserted, deleted.size());
    EXPECT_LE(r.recovered + r.duplicates_skipped, deleted.size());
    expect_all_rows(deleted);
    fmt::print("race: recovery inserted {}, skipped {}; the writer inserted {}\n", r.recovered, r.duplicates_skipped,
               writer_inserted);
}

TEST_P(RecoveryOnDevnet, EveryErrorNamesItsCauseAndFix) {
    index_everything();
    // Ids below first_token_id 1 do not exist: starting at 0 makes id 0 fail alone.
    delete_random(0.01, 80);
    RecoveryTarget from_zero = target();
    from_zero.config.first_token_id = 0;
    const RecoveryResult partial = recover(from_zero, *store_);
    EXPECT_EQ(partial.failed, std::vector<Uint256>{Uint256(0)});
    EXPECT_EQ(partial.recovered, kTokens / 100);
    EXPECT_EQ(partial.total_on_chain, Uint256(kTokens + 1));

    // No code at the address.
    RecoveryTarget nowhere = target();
    nowhere.contract = *Address::from_hex("0x00000000000000000000000000000000000c0de0");
    try {
        recover(nowhere, *store_);
        ADD_FAILURE() << "no ContractNotFoundError";
    } catch (const ContractNotFoundError& e) {
        EXPECT_EQ(std::string(e.what()),
                  fmt::format("ContractNotFoundError: Contract at {} not found on local (chain id 31337): no code at "
                              "that address; check the address and the network",
                              nowhere.contract.checksum()));
    }

    // The default author has no row, in a database that misses tokens.
    auto empty = store::open_store(app::testing::fresh_database(GetParam(), dir_.path()));
    empty->migrate();
    try {
        recover(target(), *empty, dry_run());
        ADD_FAILURE() << "no DefaultAuthorNotFoundError";
    } catch (const DefaultAuthorNotFoundError& e) {
        const std::string wallet = kDefaultAuthor.checksum();
        EXPECT_EQ(std::string(e.what()),
                  fmt::format("DefaultAuthorNotFoundError: the default author {} (recovery.default_author) has no "
                              "author row, so tokens of unknown authors cannot be attributed; create it with: "
                              "tokensync authors add --wallet {} --prompt \"...\"",
                              wallet, wallet));
    }

    // An unreachable node: the host is named, the key in the URL is not.
    RecoveryTarget offline = target();
    offline.rpc.urls = {"http://127.0.0.1:9/v2/SUPERSECRETKEY123"};
    offline.rpc.backoff.max_attempts = 2;
    offline.rpc.sleep = [](std::chrono::milliseconds) {};
    try {
        recover(offline, *store_);
        ADD_FAILURE() << "no BlockchainConnectionError";
    } catch (const chain::evm::BlockchainConnectionError& e) {
        const std::string what = e.what();
        EXPECT_TRUE(what.starts_with("BlockchainConnectionError: cannot reach chain local (chain id 31337): ")) << what;
        EXPECT_NE(what.find("127.0.0.1:9"), std::string::npos) << what;
        EXPECT_EQ(what.find("SUPERSECRETKEY123"), std::string::npos) << what;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, RecoveryOnDevnet, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& param_info) {
                             return std::string(app::testing::backend_name(param_info.param));
                         });

}  // namespace
}  // namespace tokensync::recovery
