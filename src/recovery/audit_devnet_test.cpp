// The audit against a real anvil on SQLite and PostgreSQL: drift of every
// kind planted behind the store's back in an indexed database is found with
// its exact ids and values, --fix repairs it a page at a time, a second
// audit finds nothing, and the database then holds what a fresh index of
// the chain holds. sync_token, the owner check's skip and the errors too.
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "recovery/audit.hpp"
#include "recovery/recovery_test_support.hpp"

namespace tokensync::recovery {
namespace {

using core::Address;
using core::Uint256;

constexpr uint64_t kTokens = 600;
constexpr uint64_t kFirstId = 1;
constexpr std::size_t kAuthors = 6;
constexpr std::size_t kKnown = 4;

testing::MintedChain& chain() {
    static testing::MintedChain c =
        testing::mint_chain({.tokens = kTokens, .first_id = kFirstId, .authors = kAuthors, .seed = 4'004});
    return c;
}

std::string expected_author(uint64_t id) { return testing::attributed_author(chain(), id, kKnown); }

const Address kStranger = test_util::dev_address(9);                     // owns nothing on chain
const Uint256 kHuge = *Uint256::from_hex("0x1" + std::string(50, '0'));  // 2^200, far beyond int64

std::vector<Uint256> ids_of(const DriftCount& c) {
    std::vector<Uint256> out;
    for (const auto& e : c.examples)
        out.push_back(e.id);
    return out;
}

class AuditOnDevnet : public ::testing::TestWithParam<testing::Backend> {
  protected:
    void SetUp() override {
        // One back-end reads through Multicall3, the other through JSON-RPC batches.
        const bool multicall = GetParam() == testing::Backend::kSqlite;
        db_ = testing::index_chain(chain(), GetParam(), dir_.path(), kKnown,
                                   multicall ? chain().multicall.lower_hex() : "off");
        ASSERT_EQ(db_.store->count_tokens(chain_id(), nft()), kTokens);
        target_ = recovery_target(db_.config);
        ASSERT_TRUE(target_.erc721);
    }

    // What a fresh index of the chain holds (built once per test that needs it).
    store::Store& reference() {
        if (!reference_.store) reference_ = testing::index_chain(chain(), GetParam(), dir_.path(), kKnown);
        return *reference_.store;
    }

    Address chain_owner(uint64_t id) { return *reference().get_owner(chain_id(), nft(), id); }

    void delete_rows(const std::vector<uint64_t>& ids) {
        testing::RawDatabase raw(db_.url);
        for (uint64_t id : ids)
            raw.execute("DELETE FROM tokens WHERE chain_id = ? AND contract = ? AND token_id = ?", key(raw, id));
    }
    void set_author(uint64_t id, const std::optional<std::string>& author) {
        testing::RawDatabase raw(db_.url);
        store::sql::Params p{author ? store::sql::Param(*author) : store::sql::Param(nullptr)};
        for (auto& k : key(raw, id))
            p.push_back(k);
        raw.execute("UPDATE tokens SET author = ? WHERE chain_id = ? AND contract = ? AND token_id = ?", p);
    }
    void set_owner(uint64_t id, const Address& owner) {
        testing::RawDatabase raw(db_.url);
        store::sql::Params p{owner.lower_hex()};
        for (auto& k : key(raw, id))
            p.push_back(k);
        ASSERT_EQ(raw.execute("UPDATE owners SET owner = ? WHERE chain_id = ? AND contract = ? AND token_id = ?", p),
                  1);
    }
    void delete_owner(uint64_t id) {
        testing::RawDatabase raw(db_.url);
        ASSERT_EQ(raw.execute("DELETE FROM owners WHERE chain_id = ? AND contract = ? AND token_id = ?", key(raw, id)),
                  1);
    }
    // Rows for ids the contract does not have, through the write path.
    void insert_rows(const std::vector<Uint256>& ids) {
        store::ChangeSet c;
        c.chain_id = chain_id();
        for (const auto& id : ids) {
            store::Token t;
            t.contract = nft();
            t.token_id = id;
            t.author = expected_author(kFirstId);
            c.tokens.push_back(t);
        }
        ASSERT_EQ(db_.store->apply(c).tokens.inserted, ids.size());
    }

    store::sql::Params key(testing::RawDatabase& raw, uint64_t id) const {
        return {static_cast<int64_t>(chain_id()), nft().lower_hex(), raw.u256(id)};
    }

    // Every token row, as (author, owner, status), by id.
    static std::map<Uint256, std::tuple<std::optional<std::string>, Address, store::TokenStatus>> rows(
        store::Store& s, store::ChainId chain_id) {
        std::map<Uint256, std::tuple<std::optional<std::string>, Address, store::TokenStatus>> out;
        s.scan_tokens(chain_id, nft(), 1000,
                      [&](const store::Token& t) { out.emplace(t.token_id, std::tuple(t.author, t.owner, t.status)); });
        return out;
    }

    store::ChainId chain_id() const { return db_.chain_id(); }
    static Address nft() { return chain().contracts.nft; }

    test_util::TempDir dir_;
    testing::IndexedDatabase db_;
    testing::IndexedDatabase reference_;
    RecoveryTarget target_;
};

AuditOptions options(bool fix, std::size_t page_size) {
    AuditOptions o;
    o.fix = fix;
    o.examples = 100;
    o.page_size = page_size;
    return o;
}

TEST_P(AuditOnDevnet, FindsEveryKindWithItsIdsThenFixRepairsIt) {
    // A database indexed from the chain has no drift.
    const auto start = std::chrono::steady_clock::now();
    const AuditReport before = run_audit(target_, *db_.store, options(false, 10'000));
    fmt::print("audit of {} tokens: {} ms\n", kTokens,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
    EXPECT_EQ(before.checked, kTokens);
    EXPECT_EQ(before.found(), 0U);
    EXPECT_TRUE(before.clean());
    EXPECT_TRUE(before.owners_checked);
    EXPECT_EQ(before.next_token_id, Uint256(kFirstId + kTokens));
    EXPECT_EQ(before.multicall.has_value(), GetParam() == testing::Backend::kSqlite);

    // Rows deleted (51 loses its owner row too, as if its transfer had been
    // lost with its mint), authors and owners changed, rows beyond both ends.
    delete_rows({3, 50, 51, 52, 333, 600});
    delete_owner(51);
    const std::string other_author = testing::author_address(0).checksum() == expected_author(7)
                                         ? testing::author_address(1).checksum()
                                         : testing::author_address(0).checksum();
    set_author(7, other_author);
    set_author(120, testing::default_author().lower_hex() == expected_author(120)
                        ? testing::author_address(2).checksum()
                        : testing::default_author().lower_hex());
    set_author(121, std::nullopt);
    set_owner(8, kStranger);
    set_owner(200, kStranger);
    insert_rows({0, kFirstId + kTokens, 1'000'000, kHuge});
    const auto planted = rows(*db_.store, chain_id());

    // Found, with the exact ids and values, across pages of 64 ids; nothing written.
    const AuditReport found = run_audit(target_, *db_.store, options(false, 64));
    EXPECT_EQ(found.checked, kTokens);
    EXPECT_EQ(ids_of(found.missing), (std::vector<Uint256>{3, 50, 51, 52, 333, 600}));
    EXPECT_EQ(found.missing.examples.at(0), (DriftExample{3, "", expected_author(3)}));
    EXPECT_EQ(ids_of(found.wrong_author), (std::vector<Uint256>{7, 120, 121}));
    EXPECT_EQ(found.wrong_author.examples.at(0), (DriftExample{7, other_author, expected_author(7)}));
    EXPECT_EQ(found.wrong_author.examples.at(2), (DriftExample{121, "", expected_author(121)}));
    EXPECT_EQ(ids_of(found.wrong_owner), (std::vector<Uint256>{8, 51, 200}));
    EXPECT_EQ(found.wrong_owner.examples.at(0), (DriftExample{8, kStranger.checksum(), chain_owner(8).checksum()}));
    EXPECT_EQ(found.wrong_owner.examples.at(1), (DriftExample{51, "", chain_owner(51).checksum()}));
    EXPECT_EQ(ids_of(found.nonexistent), (std::vector<Uint256>{0, kFirstId + kTokens, 1'000'000, kHuge}));
    EXPECT_EQ(found.found(), 16U);
    EXPECT_EQ(found.fixed(), 0U);
    EXPECT_EQ(found.failed_count, 0U);
    EXPECT_FALSE(found.clean());
    EXPECT_EQ(rows(*db_.store, chain_id()), planted);

    // Examples are capped; counts are not.
    AuditOptions few = options(false, 10'000);
    few.examples = 2;
    const AuditReport capped = run_audit(target_, *db_.store, few);
    EXPECT_EQ(ids_of(capped.missing), (std::vector<Uint256>{3, 50}));
    EXPECT_EQ(capped.missing.found, 6U);

    // --fix, a transaction per page of 64 ids.
    const AuditReport fixed = run_audit(target_, *db_.store, options(true, 64));
    EXPECT_EQ(fixed.found(), 16U);
    EXPECT_EQ(fixed.fixed(), 16U);
    EXPECT_EQ(fixed.missing.fixed, 6U);
    EXPECT_EQ(fixed.wrong_author.fixed, 3U);
    EXPECT_EQ(fixed.wrong_owner.fixed, 3U);
    EXPECT_EQ(fixed.nonexistent.fixed, 4U);
    EXPECT_TRUE(fixed.clean());

    // Nothing left, and the database holds what a fresh index of the chain
    // holds (recovered rows are `detected` there too).
    const AuditReport after = run_audit(target_, *db_.store, options(false, 10'000));
    EXPECT_EQ(after.found(), 0U) << to_json(after);
    EXPECT_TRUE(after.clean());
    EXPECT_EQ(rows(*db_.store, chain_id()), rows(reference(), chain_id()));
    EXPECT_EQ(app::testing::compare_store(*db_.store, chain_id(), chain().contracts,
                                          app::testing::read_chain(*chain().devnet, chain().contracts)),
              "");
}

TEST_P(AuditOnDevnet, SyncTokenRepairsOneToken) {
    delete_rows({10});
    set_author(11, testing::default_author().lower_hex() == expected_author(11)
                       ? testing::author_address(3).checksum()
                       : testing::default_author().lower_hex());
    set_owner(12, kStranger);
    insert_rows({kFirstId + kTokens});

    const SyncTokenResult inserted = sync_token(target_, *db_.store, 10);
    EXPECT_TRUE(inserted.exists);
    EXPECT_TRUE(inserted.inserted);
    EXPECT_FALSE(inserted.author_corrected || inserted.owner_corrected || inserted.deleted);
    EXPECT_EQ(inserted.author, expected_author(10));
    EXPECT_EQ(inserted.owner, chain_owner(10));

    const SyncTokenResult author = sync_token(target_, *db_.store, 11);
    EXPECT_TRUE(author.author_corrected);
    EXPECT_FALSE(author.inserted || author.owner_corrected || author.deleted);
    EXPECT_EQ(db_.store->get_token(chain_id(), nft(), 11)->author, expected_author(11));

    const SyncTokenResult owner = sync_token(target_, *db_.store, 12);
    EXPECT_TRUE(owner.owner_corrected);
    EXPECT_FALSE(owner.inserted || owner.author_corrected || owner.deleted);
    EXPECT_EQ(db_.store->get_owner(chain_id(), nft(), 12), chain_owner(12));

    const SyncTokenResult beyond = sync_token(target_, *db_.store, kFirstId + kTokens);
    EXPECT_FALSE(beyond.exists);
    EXPECT_TRUE(beyond.deleted);
    EXPECT_EQ(beyond.author, std::nullopt);
    EXPECT_FALSE(db_.store->get_token(chain_id(), nft(), kFirstId + kTokens));

    const SyncTokenResult same = sync_token(target_, *db_.store, 13);
    EXPECT_TRUE(same.exists);
    EXPECT_FALSE(same.changed());
    EXPECT_EQ(to_json(same),
              fmt::format(R"({{"id":"13","block":{},"exists":true,"author":"{}","owner":"{}","inserted":false,)"
                          R"("author_corrected":false,"owner_corrected":false,"deleted":false,"changed":false}})",
                          same.block, expected_author(13), chain_owner(13).checksum()));
    // Nothing left for the audit.
    EXPECT_TRUE(run_audit(target_, *db_.store).clean());
}

TEST_P(AuditOnDevnet, RowsNewerThanTheReadBlockAreNotDrift) {
    // What a follower running during the audit writes: a token minted and
    // a token transferred in blocks above the one the audit reads.
    const uint64_t later = chain().devnet->block_number() + 100;
    store::ChangeSet c;
    c.chain_id = chain_id();
    store::Token minted;
    minted.contract = nft();
    minted.token_id = kFirstId + kTokens;
    minted.author = expected_author(kFirstId);
    minted.block_number = later;
    c.tokens.push_back(minted);
    c.owner_corrections.push_back({nft(), 9, kStranger, later});
    db_.store->apply(c);

    const AuditReport r = run_audit(target_, *db_.store, options(true, 10'000));
    EXPECT_EQ(r.found(), 0U) << to_json(r);
    EXPECT_TRUE(db_.store->get_token(chain_id(), nft(), kFirstId + kTokens));
    EXPECT_EQ(db_.store->get_owner(chain_id(), nft(), 9), kStranger);
}

TEST_P(AuditOnDevnet, OwnersAreSkippedWithoutTheErc721Module) {
    set_owner(5, kStranger);
    RecoveryTarget no_erc721 = target_;
    no_erc721.erc721 = false;
    const AuditReport r = run_audit(no_erc721, *db_.store, options(true, 10'000));
    EXPECT_FALSE(r.owners_checked);
    EXPECT_EQ(r.wrong_owner.found, 0U);
    EXPECT_TRUE(r.clean());
    EXPECT_EQ(db_.store->get_owner(chain_id(), nft(), 5), kStranger);
    EXPECT_NE(to_json(r).find(R"("owners_checked":false)"), std::string::npos) << to_json(r);
    // With the module the drift is there.
    EXPECT_EQ(ids_of(run_audit(target_, *db_.store, options(false, 10'000)).wrong_owner), std::vector<Uint256>{5});
}

TEST_P(AuditOnDevnet, ErrorsNameTheirCause) {
    RecoveryTarget nowhere = target_;
    nowhere.contract = *Address::from_hex("0x00000000000000000000000000000000000c0de0");
    EXPECT_THROW(run_audit(nowhere, *db_.store), ContractNotFoundError);
    EXPECT_THROW(sync_token(nowhere, *db_.store, 1), ContractNotFoundError);

    // Without the default author's row, an unknown prompt author cannot be attributed.
    auto empty = store::open_store(app::testing::fresh_database(GetParam(), dir_.path()));
    empty->migrate();
    try {
        run_audit(target_, *empty);
        ADD_FAILURE() << "no DefaultAuthorNotFoundError";
    } catch (const DefaultAuthorNotFoundError& e) {
        EXPECT_NE(std::string(e.what()).find("tokensync authors add --wallet " + testing::default_author().checksum()),
                  std::string::npos)
            << e.what();
    }

    RecoveryTarget offline = target_;
    offline.rpc.urls = {"http://127.0.0.1:9/v2/SUPERSECRETKEY123"};
    offline.rpc.backoff.max_attempts = 2;
    offline.rpc.sleep = [](std::chrono::milliseconds) {};
    try {
        run_audit(offline, *db_.store);
        ADD_FAILURE() << "no BlockchainConnectionError";
    } catch (const chain::evm::BlockchainConnectionError& e) {
        const std::string what = e.what();
        EXPECT_TRUE(what.starts_with("BlockchainConnectionError: cannot reach chain local (chain id 31337): ")) << what;
        EXPECT_EQ(what.find("SUPERSECRETKEY123"), std::string::npos) << what;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditOnDevnet,
                         ::testing::Values(testing::Backend::kSqlite, testing::Backend::kPostgres),
                         [](const auto& param_info) {
                             return std::string(app::testing::backend_name(param_info.param));
                         });

}  // namespace
}  // namespace tokensync::recovery
