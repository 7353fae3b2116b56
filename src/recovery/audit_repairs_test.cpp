// The audit's repair kinds in Store::apply (store/sql/sql_store_audit.cpp)
// and Store::tokens_in_range, on both back-ends: counts, an owner correction
// ordered like a transfer at the end of its read block (a later transfer
// replaces it, an older one does not, rollback_above below its block
// recomputes it), author corrections and deletions.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "test_util/shared_postgres.hpp"
#include "test_util/temp_dir.hpp"

namespace tokensync::store {
namespace {

constexpr ChainId kChain = 31337;

core::Address address(uint8_t n) {
    core::ByteArray<20> b{};
    b[0] = 0xa0;
    b[19] = n;
    return core::Address(b);
}

const core::Address kContract = address(1);
const core::Address kAlice = address(2);
const core::Address kBob = address(3);
const core::Address kCarol = address(4);

core::Hash32 block_hash(uint64_t n) {
    core::Hash32 h;
    h.bytes[0] = 0xb1;
    h.bytes[31] = static_cast<uint8_t>(n);
    return h;
}

class AuditRepairsTest : public ::testing::TestWithParam<bool> {
  protected:
    void SetUp() override {
        const std::string url = GetParam() ? test_util::shared_postgres_cluster().create_database()
                                           : "sqlite://" + (dir_.path() / "store.db").string();
        store_ = open_store(url);
        store_->migrate();
    }

    // An ERC-721 transfer of token 7 at (block, log index), with its block.
    ApplyResult transfer(uint64_t block, uint64_t log_index, const core::Address& to) {
        ChangeSet c;
        c.chain_id = kChain;
        c.blocks.push_back({block, block_hash(block), block_hash(block - 1), 0});
        Transfer t;
        t.tx_hash = block_hash(block);
        t.log_index = log_index;
        t.block_number = block;
        t.contract = kContract;
        t.from = address(9);
        t.to = to;
        t.token_id = 7;
        c.transfers.push_back(t);
        return store_->apply(c);
    }

    ApplyResult correct_owner(uint64_t block, const core::Address& owner) {
        ChangeSet c;
        c.chain_id = kChain;
        c.owner_corrections.push_back({kContract, 7, owner, block});
        return store_->apply(c);
    }

    std::optional<core::Address> owner() { return store_->get_owner(kChain, kContract, 7); }

    test_util::TempDir dir_;
    std::unique_ptr<Store> store_;
};

TEST_P(AuditRepairsTest, AnOwnerCorrectionSortsAfterEveryLogOfItsBlock) {
    transfer(5, 0, kAlice);
    const ApplyResult corrected = correct_owner(10, kBob);
    EXPECT_EQ(corrected.owner_corrections, (RowCounts{0, 1, 0}));
    EXPECT_FALSE(corrected.nothing_new());
    EXPECT_EQ(owner(), kBob);
    EXPECT_EQ(store_->owners_in_range(kChain, kContract, 7, 8, 10),
              (std::vector<OwnerRow>{{7, kBob, 10, static_cast<uint64_t>(INT64_MAX)}}));
    EXPECT_TRUE(store_->owners_in_range(kChain, kContract, 8, std::nullopt, 10).empty());
    EXPECT_TRUE(store_->owners_in_range(kChain, kContract, 0, 7, 10).empty());
    // A transfer of the read block itself is older than the read: it stays stored, the owner does not move.
    transfer(10, 3, kCarol);
    EXPECT_EQ(owner(), kBob);
    // A correction read at an older block leaves the newer owner alone.
    EXPECT_EQ(correct_owner(9, kCarol).owner_corrections, (RowCounts{0, 0, 1}));
    EXPECT_EQ(owner(), kBob);
    // A later transfer replaces it.
    transfer(11, 0, kCarol);
    EXPECT_EQ(owner(), kCarol);
    EXPECT_EQ(correct_owner(12, kAlice).owner_corrections.updated, 1U);
    EXPECT_EQ(owner(), kAlice);
    // Rolling back below the read block recomputes the owner from the transfers left.
    store_->rollback_above(kChain, 11);
    EXPECT_EQ(owner(), kCarol);
    store_->rollback_above(kChain, 9);
    EXPECT_EQ(owner(), kAlice);
    // Rolling back at or above it keeps a correction.
    correct_owner(9, kBob);
    store_->rollback_above(kChain, 9);
    EXPECT_EQ(owner(), kBob);
}

TEST_P(AuditRepairsTest, AuthorCorrectionsDeletionsAndRangeReads) {
    ChangeSet c;
    c.chain_id = kChain;
    const core::Uint256 huge = *core::Uint256::from_hex("0x1" + std::string(60, '0'));
    for (const core::Uint256& id : {core::Uint256(0), core::Uint256(1), core::Uint256(2), core::Uint256(40), huge}) {
        Token t;
        t.contract = kContract;
        t.token_id = id;
        t.author = "0xAuthor";
        t.block_number = 3;
        c.tokens.push_back(t);
    }
    store_->apply(c);

    ChangeSet owned;
    owned.chain_id = kChain;
    owned.owner_corrections.push_back({kContract, 40, kAlice, 3});
    owned.owner_corrections.push_back({kContract, 41, kBob, 3});  // an owner without a token row
    store_->apply(owned);

    std::vector<core::Uint256> ids;
    std::vector<core::Address> owners;
    for (const Token& t : store_->tokens_in_range(kChain, kContract, 1, 41, 10)) {
        ids.push_back(t.token_id);
        owners.push_back(t.owner);
    }
    EXPECT_EQ(ids, (std::vector<core::Uint256>{1, 2, 40}));
    EXPECT_EQ(owners, (std::vector<core::Address>{{}, {}, kAlice}));
    EXPECT_EQ(store_->owners_in_range(kChain, kContract, 0, std::nullopt, 10).size(), 2U);
    EXPECT_EQ(store_->tokens_in_range(kChain, kContract, 1, 41, 2).size(), 2U);
    EXPECT_EQ(store_->tokens_in_range(kChain, kContract, 41, std::nullopt, 10).at(0).token_id, huge);
    EXPECT_TRUE(store_->tokens_in_range(kChain, address(8), 0, std::nullopt, 10).empty());
    EXPECT_TRUE(store_->tokens_in_range(kChain + 1, kContract, 0, std::nullopt, 10).empty());

    ChangeSet repairs;
    repairs.chain_id = kChain;
    repairs.author_corrections = {{kContract, 1, "0xOther"}, {kContract, 2, "0xAuthor"}, {kContract, 40, std::nullopt}};
    // Rows created at block 3: a deletion read at block 2 leaves them.
    repairs.token_deletions = {{kContract, 0, 3}, {kContract, huge, 3}, {kContract, 99, 3}, {kContract, 2, 2}};
    const ApplyResult r = store_->apply(repairs);
    EXPECT_EQ(r.author_corrections, (RowCounts{0, 2, 1}));  // 2 already had that author
    EXPECT_EQ(r.token_deletions, (RowCounts{0, 2, 2}));     // 99 had no row, 2 is newer than the read
    EXPECT_EQ(store_->get_token(kChain, kContract, 1)->author, "0xOther");
    EXPECT_EQ(store_->get_token(kChain, kContract, 40)->author, std::nullopt);
    EXPECT_EQ(store_->count_tokens(kChain, kContract), 3U);
    EXPECT_TRUE(store_->get_token(kChain, kContract, 2));
    EXPECT_FALSE(store_->get_token(kChain, kContract, huge));
    // Replayed, nothing changes.
    EXPECT_TRUE(store_->apply(repairs).nothing_new());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditRepairsTest, ::testing::Bool(),
                         [](const auto& param_info) { return param_info.param ? "postgres" : "sqlite"; });

}  // namespace
}  // namespace tokensync::store
