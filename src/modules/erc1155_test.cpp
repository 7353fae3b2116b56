#include "modules/erc1155.hpp"

#include <gtest/gtest.h>

#include "core/hex.hpp"
#include "modules/test_logs.hpp"

namespace tokensync::modules {
namespace {

using core::Address;
using core::Hash32;
using core::Uint256;
using namespace test_logs;

const core::abi::Event kSingle = event(
    "event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, "
    "uint256 value)");
const core::abi::Event kBatch = event(
    "event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, "
    "uint256[] values)");

Hash32 h(std::string_view hex) { return *Hash32::from_hex(hex); }
Hash32 word(uint64_t n) { return tag_hash(0, n); }  // a uint256 word

// Topics [t0, operator, from, to] written out by hand.
store::RawEvent batch_log(const std::vector<uint64_t>& words, const Hash32& to_topic) {
    store::RawEvent raw;
    raw.tx_hash = tag_hash(0x7a, 20);
    raw.log_index = 2;
    raw.block_number = 20;
    raw.contract = address(1);
    raw.topics = {h("0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb"),
                  h("0x000000000000000000000000a0000000000000000000000000000000000000aa"),
                  h("0x0000000000000000000000000000000000000000000000000000000000000000"), to_topic};
    for (uint64_t w : words) {
        const Hash32 x = word(w);
        raw.data.insert(raw.data.end(), x.bytes.begin(), x.bytes.end());
    }
    return raw;
}

const Hash32 kToTopic = h("0x000000000000000000000000a0000000000000000000000000000000000000bb");

class Erc1155Test : public ::testing::Test {
  protected:
    EventDecoder decoder_{{kSingle, kBatch}};
    MemoryView view_;
    Erc1155 module_;
};

TEST_F(Erc1155Test, KnownAnswerSingleTransfer) {
    store::RawEvent raw;
    raw.tx_hash = tag_hash(0x7a, 3);
    raw.log_index = 1;
    raw.block_number = 3;
    raw.contract = address(1);
    raw.topics = {h("0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62"),
                  h("0x000000000000000000000000a0000000000000000000000000000000000000aa"),
                  h("0x000000000000000000000000a0000000000000000000000000000000000000cc"), kToTopic};
    for (uint64_t w : {uint64_t{77}, uint64_t{1000}}) {
        const Hash32 x = word(w);
        raw.data.insert(raw.data.end(), x.bytes.begin(), x.bytes.end());
    }
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw, 1'700'000'003), view_, out));
    ASSERT_EQ(out.transfers.size(), 1u);
    const store::Transfer& t = out.transfers[0];
    EXPECT_EQ(t.tx_hash, tag_hash(0x7a, 3));
    EXPECT_EQ(t.log_index, 1u);
    EXPECT_EQ(t.batch_index, 0u);
    EXPECT_EQ(t.block_number, 3u);
    EXPECT_EQ(t.block_timestamp, 1'700'000'003);
    EXPECT_EQ(t.standard, store::TokenStandard::kErc1155);
    EXPECT_EQ(t.operator_address, address(0xaa));
    EXPECT_EQ(t.from, address(0xcc));
    EXPECT_EQ(t.to, address(0xbb));
    EXPECT_EQ(t.token_id, Uint256{77});
    EXPECT_EQ(t.amount, Uint256{1000});
}

TEST_F(Erc1155Test, KnownAnswerBatchMintIsOneRowPerId) {
    // enc(uint256[] ids, uint256[] values) for ids [1, 2], values [10, 20].
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, batch_log({0x40, 0xa0, 2, 1, 2, 2, 10, 20}, kToTopic)), view_, out));
    ASSERT_EQ(out.transfers.size(), 2u);
    for (uint64_t i = 0; i < 2; ++i) {
        const store::Transfer& t = out.transfers[i];
        EXPECT_EQ(t.log_index, 2u);
        EXPECT_EQ(t.batch_index, i);
        EXPECT_TRUE(t.from.is_zero());  // a mint
        EXPECT_EQ(t.to, address(0xbb));
        EXPECT_EQ(t.operator_address, address(0xaa));
        EXPECT_EQ(t.token_id, Uint256{i + 1});
        EXPECT_EQ(t.amount, Uint256{10 * (i + 1)});
    }
}

TEST_F(Erc1155Test, BurnsAreTransfersToZero) {
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(
        decoded(decoder_, raw_log(kSingle, {v(address(5)), v(address(5)), v(Address{}), v(3), v(4)})), view_, out));
    ASSERT_TRUE(module_.handle(decoded(decoder_, raw_log(kBatch, {v(address(5)), v(address(5)), v(Address{}),
                                                                  uints({3, 8, 9}), uints({1, 1, 2})})),
                               view_, out));
    ASSERT_EQ(out.transfers.size(), 4u);
    for (const store::Transfer& t : out.transfers) {
        EXPECT_TRUE(t.to.is_zero());
        EXPECT_EQ(t.from, address(5));
    }
    EXPECT_EQ(out.transfers[3].batch_index, 2u);
    EXPECT_EQ(out.transfers[3].token_id, Uint256{9});
    EXPECT_EQ(out.transfers[3].amount, Uint256{2});
}

TEST_F(Erc1155Test, EmptyBatchAddsNothing) {
    store::ChangeSet out;
    ASSERT_TRUE(module_.handle(decoded(decoder_, batch_log({0x40, 0x60, 0, 0}, kToTopic)), view_, out));
    EXPECT_TRUE(out.transfers.empty());
}

TEST_F(Erc1155Test, MismatchedLengthsAreAnErrorNotACrash) {
    // ids [1, 2] but values [10]: the ABI decodes it; the module refuses it.
    store::ChangeSet out;
    auto r = module_.handle(decoded(decoder_, batch_log({0x40, 0xa0, 2, 1, 2, 1, 10}, kToTopic)), view_, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), ModuleError::kLengthMismatch);
    EXPECT_TRUE(out.transfers.empty());
}

TEST_F(Erc1155Test, MalformedLogsAreReported) {
    DecodedLog log = decoded(decoder_, raw_log(kSingle, {v(address(5)), v(address(5)), v(address(6)), v(3), v(4)}));
    store::ChangeSet out;
    DecodedLog bad = log;
    bad.args[4] = v(address(1));
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kBadArguments);
    bad = log;
    bad.args.resize(4);
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kBadArguments);
    bad = log;
    bad.event = nullptr;
    EXPECT_EQ(module_.handle(bad, view_, out).error(), ModuleError::kNoEvent);

    DecodedLog batch = decoded(decoder_, batch_log({0x40, 0xa0, 2, 1, 2, 2, 10, 20}, kToTopic));
    std::get<core::abi::Array>(batch.args[3].data).items[1] = v(address(1));  // an id that is not a uint
    EXPECT_EQ(module_.handle(batch, view_, out).error(), ModuleError::kBadArguments);
    EXPECT_TRUE(out.transfers.empty());
}

}  // namespace
}  // namespace tokensync::modules
