#include "modules/erc721.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "modules/test_logs.hpp"

namespace tokensync::modules {
namespace {

using core::Address;
using core::Hash32;
using core::Uint256;
using namespace test_logs;

const core::abi::Event kNftTransfer =
    event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)");
const core::abi::Event kFungibleTransfer =
    event("event Transfer(address indexed from, address indexed to, uint256 value)");

Hash32 h(std::string_view hex) { return *Hash32::from_hex(hex); }

class Erc721Test : public ::testing::Test {
  protected:
    EventDecoder decoder_{{kNftTransfer, kFungibleTransfer}};
    MemoryView view_;
    Erc721 module_;
};

// A log as a node delivers it (EIP-721 layout: four topics, empty data),
// written out by hand rather than encoded by the code under test.
TEST_F(Erc721Test, KnownAnswerTransferLog) {
    store::RawEvent raw;
    raw.tx_hash = tag_hash(0x7a, 9);
    raw.log_index = 4;
    raw.block_number = 9;
    raw.contract = address(1);
    raw.topics = {h("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"),
                  h("0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
                  h("0x000000000000000000000000fb6916095ca1df60bb79ce92ce3ea74c37c5d359"),
                  h("0x00000000000000000000000000000000000000000000000000000000000001c8")};
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw, 1'700'000'009), view_, out));
    ASSERT_EQ(out.transfers.size(), 1u);
    const store::Transfer& t = out.transfers[0];
    EXPECT_EQ(t.tx_hash, tag_hash(0x7a, 9));
    EXPECT_EQ(t.log_index, 4u);
    EXPECT_EQ(t.batch_index, 0u);
    EXPECT_EQ(t.block_number, 9u);
    EXPECT_EQ(t.block_timestamp, 1'700'000'009);
    EXPECT_EQ(t.contract, address(1));
    EXPECT_EQ(t.standard, store::TokenStandard::kErc721);
    EXPECT_TRUE(t.operator_address.is_zero());
    EXPECT_EQ(t.from.lower_hex(), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    EXPECT_EQ(t.to.lower_hex(), "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359");
    EXPECT_EQ(t.token_id, Uint256{456});
    EXPECT_EQ(t.amount, Uint256{1});
    EXPECT_TRUE(out.tokens.empty());
    EXPECT_TRUE(out.events.empty());
}

TEST_F(Erc721Test, MintsAndBurnsAreTransfersFromAndToZero) {
    store::ChangeSet out;
    ASSERT_TRUE(
        module_.handle(decoded(decoder_, raw_log(kNftTransfer, {v(Address{}), v(address(5)), v(7)})), view_, out));
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw_log(kNftTransfer, {v(address(5)), v(Address{}), v(7)}, 11, 0)),
                               view_, out));
    ASSERT_EQ(out.transfers.size(), 2u);
    EXPECT_TRUE(out.transfers[0].from.is_zero());
    EXPECT_EQ(out.transfers[0].to, address(5));
    EXPECT_EQ(out.transfers[1].from, address(5));
    EXPECT_TRUE(out.transfers[1].to.is_zero());
    EXPECT_EQ(out.transfers[1].block_number, 11u);
}

TEST_F(Erc721Test, FungibleShapedTransferIsIgnored) {
    // Same topic0, three topics and the value in data: an ERC-20 log.
    store::RawEvent raw = raw_log(kFungibleTransfer, {v(address(5)), v(address(6)), v(1000)});
    ASSERT_EQ(raw.topics.size(), 3u);
    DecodedLog log = decoded(decoder_, raw);
    EXPECT_EQ(log.event->indexed_count(), 2u);
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(log, view_, out));
    EXPECT_TRUE(out.transfers.empty());
}

TEST_F(Erc721Test, MalformedLogsAreReportedAndAddNothing) {
    DecodedLog log = decoded(decoder_, raw_log(kNftTransfer, {v(Address{}), v(address(5)), v(7)}));
    store::ChangeSet out;
    DecodedLog bad = log;
    bad.args[2] = v(address(9));  // a token id that is an address
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kBadArguments);
    bad = log;
    bad.args.push_back(v(1));
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kBadArguments);
    bad = log;
    bad.event = nullptr;
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kNoEvent);
    EXPECT_TRUE(out.transfers.empty());
}

}  // namespace
}  // namespace tokensync::modules
