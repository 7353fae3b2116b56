// Store::list_tokens and Store::holdings (store/sql/sql_store_api.cpp), the
// reads behind the daemon's read API, on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/test_values.hpp"

namespace tokensync::store {
namespace {

using core::Address;
using core::Hash32;
using core::Uint256;

enum class Backend { kSqlite, kPostgres };

Address address(uint8_t tag, uint8_t n) { return test_util::tagged_address(tag, static_cast<uint8_t>(n)); }

Hash32 hash(uint8_t tag, uint64_t n) { return test_util::tagged_hash(tag, n); }

const Address kNft = address(0xc0, 1);
const Address kMulti = address(0xc0, 2);
const Address kAlice = address(0xa1, 1);
const Address kBob = address(0xb0, 1);
const Uint256 kTwoTo64 = *Uint256::from_decimal("18446744073709551616");
const Uint256 kMax =
    *Uint256::from_decimal("115792089237316195423570985008687907853269984665640564039457584007913129639935");

Token token(const Address& contract, const Uint256& id, TokenStatus status, std::string author) {
    return {.contract = contract,
            .token_id = id,
            .author = std::move(author),
            .owner = {},
            .status = status,
            .block_number = 1,
            .created_at = 10,
            .updated_at = 20};
}

Transfer transfer(uint64_t log_index, const Address& contract, TokenStandard standard, const Address& from,
                  const Address& to, const Uint256& id, const Uint256& amount) {
    return {.tx_hash = hash(0x7a, log_index),
            .log_index = log_index,
            .batch_index = 0,
            .block_number = 1,
            .block_timestamp = 1'700'000'000,
            .contract = contract,
            .standard = standard,
            .operator_address = from,
            .from = from,
            .to = to,
            .token_id = id,
            .amount = amount};
}

ChangeSet batch(ChainId chain) {
    ChangeSet c;
    c.chain_id = chain;
    c.blocks = {{1, hash(0xb1, chain), hash(0xb0, chain), 1'700'000'000}};
    return c;
}

class StoreApi : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::kPostgres) {
            url_ = test_util::shared_postgres_cluster().create_database();
        } else {
            dir_ = std::make_unique<test_util::TempDir>("tokensync-store-api");
            url_ = "sqlite://" + (*dir_ / "store.db").string();
        }
        store_ = open_store(url_);
        store_->migrate();
    }

    std::vector<ListedToken> all(TokenQuery query) {
        query.limit = 1000;
        return store_->list_tokens(query);
    }

    std::unique_ptr<test_util::TempDir> dir_;
    std::string url_;
    std::unique_ptr<Store> store_;
};

// Two chains, two contracts, ids that need more than 64 bits.
void add_tokens(Store& store) {
    ChangeSet c1 = batch(1);
    c1.tokens = {token(kNft, 2, TokenStatus::kReady, "0xAbC"), token(kNft, kMax, TokenStatus::kDetected, "0xabc"),
                 token(kNft, kTwoTo64, TokenStatus::kDetected, "0xdef"),
                 token(kMulti, 1, TokenStatus::kFailed, "0xdef")};
    c1.transfers = {transfer(0, kNft, TokenStandard::kErc721, {}, kAlice, 2, 1)};
    store.apply(c1);
    ChangeSet c5 = batch(5);
    c5.tokens = {token(kNft, 0, TokenStatus::kDetected, "0xabc")};
    store.apply(c5);
}

TEST_P(StoreApi, ListsEveryTokenInChainContractIdOrder) {
    add_tokens(*store_);
    const auto rows = all({});
    ASSERT_EQ(rows.size(), 5U);
    const std::vector<std::tuple<ChainId, Address, Uint256>> want = {
        {1, kNft, 2}, {1, kNft, kTwoTo64}, {1, kNft, kMax}, {1, kMulti, 1}, {5, kNft, 0}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].chain_id, std::get<0>(want[i])) << i;
        EXPECT_EQ(rows[i].token.contract, std::get<1>(want[i])) << i;
        EXPECT_EQ(rows[i].token.token_id, std::get<2>(want[i])) << i;
    }
    // Columns come back as stored, with the ERC-721 owner joined in.
    EXPECT_EQ(rows[0].token, (Token{.contract = kNft,
                                    .token_id = 2,
                                    .author = "0xAbC",
                                    .owner = kAlice,
                                    .status = TokenStatus::kReady,
                                    .block_number = 1,
                                    .created_at = 10,
                                    .updated_at = 20}));
    EXPECT_TRUE(rows[1].token.owner.is_zero());
}

// /status and /metrics count tokens per chain, contract and status.
TEST_P(StoreApi, CountsTokensByChainContractAndStatus) {
    EXPECT_TRUE(store_->count_tokens_by_status().empty());
    add_tokens(*store_);
    const std::vector<TokenStatusCount> want = {
        {1, kNft, TokenStatus::kDetected, 2},
        {1, kNft, TokenStatus::kReady, 1},
        {1, kMulti, TokenStatus::kFailed, 1},
        {5, kNft, TokenStatus::kDetected, 1},
    };
    EXPECT_EQ(store_->count_tokens_by_status(), want);
}

TEST_P(StoreApi, PagesFollowEachOtherWithoutGapsOrRepeats) {
    add_tokens(*store_);
    const auto everything = all({});
    for (std::size_t page_size : {1U, 2U, 3U, 5U}) {
        std::vector<ListedToken> seen;
        TokenQuery query;
        query.limit = page_size;
        while (true) {
            const auto page = store_->list_tokens(query);
            ASSERT_LE(page.size(), page_size);
            seen.insert(seen.end(), page.begin(), page.end());
            if (page.size() < page_size) break;
            const auto& last = page.back();
            query.after = TokenPosition{last.chain_id, last.token.contract, last.token.token_id};
        }
        EXPECT_EQ(seen, everything) << "page size " << page_size;
    }
}

TEST_P(StoreApi, FiltersByStatusAndAuthorInAnyCase) {
    add_tokens(*store_);
    TokenQuery detected;
    detected.status = TokenStatus::kDetected;
    EXPECT_EQ(all(detected).size(), 3U);
    TokenQuery by_author;
    by_author.author = "0XABC";
    const auto abc = all(by_author);
    ASSERT_EQ(abc.size(), 3U);
    EXPECT_EQ(abc[0].token.token_id, Uint256{2});
    by_author.status = TokenStatus::kDetected;
    const auto both = all(by_author);
    ASSERT_EQ(both.size(), 2U);
    EXPECT_EQ(both[0].token.token_id, kMax);
    EXPECT_EQ(both[1].chain_id, 5U);
    TokenQuery revealed;
    revealed.status = TokenStatus::kRevealed;
    EXPECT_TRUE(all(revealed).empty());
    // The cursor combines with the filters.
    by_author.after = TokenPosition{1, kNft, kMax};
    const auto after = all(by_author);
    ASSERT_EQ(after.size(), 1U);
    EXPECT_EQ(after[0].chain_id, 5U);
}

TEST_P(StoreApi, HoldingsAreBalancesAboveZeroAndOwnedTokens) {
    ChangeSet c = batch(1);
    c.transfers = {
        transfer(0, kMulti, TokenStandard::kErc1155, {}, kAlice, 7, 10),
        transfer(1, kMulti, TokenStandard::kErc1155, kAlice, kBob, 7, 4),
        transfer(2, kMulti, TokenStandard::kErc1155, {}, kAlice, kTwoTo64, 3),
        transfer(3, kMulti, TokenStandard::kErc1155, kAlice, kBob, kTwoTo64, 3),  // Alice is left with none
        transfer(4, kNft, TokenStandard::kErc721, {}, kAlice, 5, 1),
        transfer(5, kNft, TokenStandard::kErc721, {}, kAlice, 6, 1),
        transfer(6, kNft, TokenStandard::kErc721, kAlice, kBob, 6, 1),  // no longer Alice's
        transfer(7, kNft, TokenStandard::kErc721, {}, kAlice, 9, 1),
        transfer(8, kNft, TokenStandard::kErc721, kAlice, {}, 9, 1),  // burned
    };
    store_->apply(c);
    ChangeSet other_chain = batch(2);
    other_chain.transfers = {transfer(0, kNft, TokenStandard::kErc721, {}, kAlice, 1, 1)};
    store_->apply(other_chain);

    const auto alice = store_->holdings(kAlice, 100);
    const std::vector<Holding> want_alice = {
        {1, kNft, 5, 1, TokenStandard::kErc721},
        {1, kMulti, 7, 6, TokenStandard::kErc1155},
        {2, kNft, 1, 1, TokenStandard::kErc721},
    };
    EXPECT_EQ(alice, want_alice);
    const auto bob = store_->holdings(kBob, 100);
    const std::vector<Holding> want_bob = {
        {1, kNft, 6, 1, TokenStandard::kErc721},
        {1, kMulti, 7, 4, TokenStandard::kErc1155},
        {1, kMulti, kTwoTo64, 3, TokenStandard::kErc1155},
    };
    EXPECT_EQ(bob, want_bob);
    EXPECT_EQ(store_->holdings(kAlice, 2), std::vector<Holding>(want_alice.begin(), want_alice.begin() + 2));
    EXPECT_TRUE(store_->holdings(Address{}, 100).empty());
    EXPECT_TRUE(store_->holdings(address(0xee, 1), 100).empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreApi, ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& p) { return p.param == Backend::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace tokensync::store
