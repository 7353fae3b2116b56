#include "modules/token_registry.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "modules/test_logs.hpp"

namespace tokensync::modules {
namespace {

using core::Address;
using core::Uint256;
using namespace test_logs;

const core::abi::Event kBatchMinted = event(
    "event BatchMinted(address indexed minter, address indexed promptAuthor, uint256 indexed startTokenId, "
    "uint256 quantity)");

// An author wallet with letters, stored in EIP-55 mixed case.
const std::string kAuthorStored = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
const Address kAuthor = *Address::from_hex(kAuthorStored);
const Address kMinter = address(0x11);
const std::string kDefault = "0x0000000000000000000000000000000000000001";

class TokenRegistryTest : public ::testing::Test {
  protected:
    DecodedLog batch(const Address& author, const Uint256& start, const Uint256& quantity) {
        return decoded(decoder_, raw_log(kBatchMinted, {v(kMinter), v(author), v(start), v(quantity)}, 42, 3));
    }

    EventDecoder decoder_{{kBatchMinted, event("event Transfer(address indexed from, address indexed to, "
                                               "uint256 indexed tokenId)")}};
    MemoryView view_{{{kAuthorStored, "a prompt", 1}}, kDefault};
    TokenRegistry module_;
};

TEST_F(TokenRegistryTest, Topic0IsTheKnownHash) {
    // cast keccak "BatchMinted(address,address,uint256,uint256)"
    EXPECT_EQ(kBatchMinted.topic0().hex(), "0xcf7eb99b6442db59543ef9116e0c8d67939f7afb125d92258285ac648205e1b7");
    EXPECT_EQ(kBatchMinted.signature(), TokenRegistry::kBatchMinted);
}

// A backfill batch gathers the tokens of thousands of mints in one
// ChangeSet: room for each mint's tokens must grow the vector geometrically,
// not by exactly that mint's count (which moved the vector once per mint).
TEST_F(TokenRegistryTest, ManyMintsInOneBatchGrowTheTokenRowsGeometrically) {
    store::ChangeSet out;
    std::size_t reallocations = 0;
    for (uint64_t i = 0; i < 1'000; ++i) {
        const std::size_t capacity = out.tokens.capacity();
        ASSERT_TRUE(module_.handle(batch(kAuthor, 1 + (3 * i), 3), view_, out));
        if (out.tokens.capacity() != capacity) ++reallocations;
    }
    ASSERT_EQ(out.tokens.size(), 3'000u);
    EXPECT_EQ(out.tokens.back().token_id, Uint256{3'000});
    EXPECT_LE(reallocations, 16u);
}

TEST_F(TokenRegistryTest, BatchMintBecomesOneMintRowAndATokenPerId) {
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(batch(kAuthor, 5, 3), view_, out));

    ASSERT_EQ(out.mint_events.size(), 1u);
    const store::MintEvent& mint = out.mint_events[0];
    EXPECT_EQ(mint.tx_hash, tag_hash(0x7a, 42));
    EXPECT_EQ(mint.log_index, 3u);
    EXPECT_EQ(mint.block_number, 42u);
    EXPECT_EQ(mint.contract, address(1));
    EXPECT_EQ(mint.token_id, Uint256{5});
    EXPECT_EQ(mint.minter, kMinter);
    EXPECT_EQ(mint.author, kAuthorStored);  // the prompt author, not the minter, as stored

    ASSERT_EQ(out.tokens.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const store::Token& t = out.tokens[i];
        EXPECT_EQ(t.contract, address(1));
        EXPECT_EQ(t.token_id, Uint256{5 + i});
        EXPECT_EQ(t.author, kAuthorStored);
        EXPECT_EQ(t.owner, kMinter);
        EXPECT_EQ(t.status, store::TokenStatus::kDetected);
        EXPECT_EQ(t.block_number, 42u);
        EXPECT_EQ(t.created_at, 1'700'000'010);
        EXPECT_EQ(t.updated_at, 1'700'000'010);
    }
    EXPECT_TRUE(out.transfers.empty());
    EXPECT_TRUE(out.authors.empty());
    EXPECT_TRUE(out.events.empty());
}

TEST_F(TokenRegistryTest, AuthorIsFoundInAnyCase) {
    // The log carries the address; the view holds the stored mixed case, or
    // here all upper case: both are the same wallet.
    MemoryView upper({{"0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED", "", 1}}, kDefault);
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(batch(kAuthor, 1, 1), upper, out));
    EXPECT_EQ(out.tokens.at(0).author, "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED");
    EXPECT_EQ(upper.find_author_wallet("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
              "0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED");
    EXPECT_EQ(upper.find_author_wallet("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae0"), std::nullopt);
}

TEST_F(TokenRegistryTest, UnknownAuthorFallsBackToTheDefaultAuthor) {
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(batch(address(0x99), 7, 2), view_, out));
    EXPECT_EQ(out.mint_events.at(0).author, kDefault);
    EXPECT_EQ(out.tokens.at(0).author, kDefault);
    EXPECT_EQ(out.tokens.at(1).author, kDefault);

    // With no default configured the tokens have no author.
    MemoryView no_default({{kAuthorStored, "", 1}}, std::nullopt);
    store::ChangeSet bare;
    ASSERT_TRUE(module_.handle(batch(address(0x99), 7, 1), no_default, bare));
    EXPECT_EQ(bare.tokens.at(0).author, std::nullopt);
    EXPECT_EQ(bare.mint_events.at(0).author, std::nullopt);
}

TEST_F(TokenRegistryTest, HostileQuantitiesAreRefusedWithoutAllocating) {
    const Uint256 huge = *Uint256::from_hex("0x100000000000000000000000000000000000000000000000000");  // 2^200
    for (const Uint256& q :
         {huge, Uint256{0}, Uint256{TokenRegistry::kMaxMintQuantity + 1}, Uint256{uint64_t{1} << 40}}) {
        store::ChangeSet out;
        auto r = module_.handle(batch(kAuthor, 1, q), view_, out);
        ASSERT_FALSE(r) << q.to_decimal();
        EXPECT_EQ(r.error(), ModuleError::kBadQuantity);
        EXPECT_TRUE(out.tokens.empty());
        EXPECT_TRUE(out.mint_events.empty());
    }
    store::ChangeSet most;
    ASSERT_TRUE(module_.handle(batch(kAuthor, 1, TokenRegistry::kMaxMintQuantity), view_, most));
    EXPECT_EQ(most.tokens.size(), TokenRegistry::kMaxMintQuantity);
    EXPECT_EQ(most.tokens.back().token_id, Uint256{TokenRegistry::kMaxMintQuantity});
}

TEST_F(TokenRegistryTest, IdsPastTwoTo256AreRefused) {
    const Uint256 max = *Uint256::from_hex("0x" + std::string(64, 'f'));
    const Uint256 max_minus_1 = *max.checked_sub(1);
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(batch(kAuthor, max_minus_1, 2), view_, out));  // ids max-1 and max
    EXPECT_EQ(out.tokens.back().token_id, max);

    store::ChangeSet over;
    auto r = module_.handle(batch(kAuthor, max_minus_1, 3), view_, over);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), ModuleError::kTokenIdOverflow);
    EXPECT_TRUE(over.tokens.empty());
    EXPECT_TRUE(over.mint_events.empty());
}

TEST_F(TokenRegistryTest, OtherEventsAreIgnoredAndMalformedLogsReported) {
    const auto transfer = decoder_.events()[1];
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw_log(transfer, {v(Address{}), v(kMinter), v(9)})), view_, out));
    EXPECT_TRUE(out.tokens.empty());
    EXPECT_TRUE(out.mint_events.empty());

    DecodedLog no_event = batch(kAuthor, 1, 1);
    no_event.event = nullptr;
    auto r = module_.handle(no_event, view_, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), ModuleError::kNoEvent);

    // A hand-made log whose arguments do not fit the event.
    DecodedLog swapped = batch(kAuthor, 1, 1);
    std::swap(swapped.args[0], swapped.args[2]);
    r = module_.handle(swapped, view_, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), ModuleError::kBadArguments);
    DecodedLog short_args = batch(kAuthor, 1, 1);
    short_args.args.pop_back();
    EXPECT_EQ(module_.handle(short_args, view_, out).error(), ModuleError::kBadArguments);
    EXPECT_TRUE(out.tokens.empty());
    EXPECT_TRUE(out.mint_events.empty());
}

}  // namespace
}  // namespace tokensync::modules
