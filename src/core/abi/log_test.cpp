#include <gtest/gtest.h>

#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "core/abi/test_helpers.hpp"

namespace tokensync::core::abi {
namespace {

using testing::num;
using testing::text;
using testing::words;

Hash32 h(std::string_view hex64) { return Hash32::from_hex(hex64).value(); }
Hash32 word_topic(std::string_view digits) { return h(num(digits)); }
Address addr(uint8_t last) {
    ByteArray<20> a{};
    a[19] = last;
    return Address{a};
}
Value u(uint64_t v) { return Value{Uint256{v}}; }
Value arr(std::vector<Value> items) { return Value{Array{std::move(items)}}; }

TEST(AbiDecodeLog, Erc721Transfer) {
    auto ev = parse_event("event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)").value();
    std::vector<Hash32> topics{ev.topic0(), word_topic("0"), word_topic("b0b"), word_topic("2a")};
    auto values = decode_log(ev, topics, {}).value();
    ASSERT_EQ(values.size(), 3U);
    EXPECT_TRUE(std::get<Address>(values[0].data).is_zero());
    EXPECT_EQ(std::get<Address>(values[1].data).lower_hex(), "0x0000000000000000000000000000000000000b0b");
    EXPECT_EQ(values[2], u(42));
}

TEST(AbiDecodeLog, Erc1155TransferBatch) {
    auto ev = parse_event(
                  "event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] "
                  "ids, uint256[] values)")
                  .value();
    EXPECT_EQ(ev.topic0().hex(), "0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb");
    std::vector<Hash32> topics{ev.topic0(), word_topic("1"), word_topic("0"), word_topic("3")};
    Bytes data = words({num("40"), num("a0"), num("2"), num("7"), num("8"), num("2"), num("64"), num("c8")});
    auto values = decode_log(ev, topics, data).value();
    ASSERT_EQ(values.size(), 5U);
    EXPECT_EQ(values[0], Value{addr(1)});
    EXPECT_EQ(values[2], Value{addr(3)});
    EXPECT_EQ(values[3], arr({u(7), u(8)}));
    EXPECT_EQ(values[4], arr({u(100), u(200)}));
}

TEST(AbiDecodeLog, InterleavedIndexedAndDynamicIndexedAsHash) {
    auto ev = parse_event("event E(uint256 a, string indexed s, bytes b, int8 indexed i, uint8[2] indexed fa)").value();
    Hash32 s_hash = keccak256(std::string_view{"hello"});
    Hash32 fa_hash = keccak256(words({num("1"), num("2")}));
    std::vector<Hash32> topics{ev.topic0(), s_hash, h(std::string(62, 'f') + "fe"), fa_hash};
    Bytes data = words({num("5"), num("40"), num("2"), text("\x01\x02")});
    auto values = decode_log(ev, topics, data).value();
    EXPECT_EQ(values[0], u(5));
    EXPECT_EQ(values[1], Value{TopicHash{s_hash}});
    EXPECT_EQ(values[2], (Value{Bytes{1, 2}}));
    EXPECT_EQ(std::get<Int>(values[3].data).value.to_signed_decimal(), "-2");
    EXPECT_EQ(values[4], Value{TopicHash{fa_hash}});
}

TEST(AbiDecodeLog, Anonymous) {
    auto ev = parse_event("event Ping(address indexed who, uint256 n) anonymous").value();
    std::vector<Hash32> topics{word_topic("ab")};
    auto values = decode_log(ev, topics, words({num("9")})).value();
    EXPECT_EQ(values[0], Value{addr(0xab)});
    EXPECT_EQ(values[1], u(9));
    std::vector<Hash32> with_topic0{ev.topic0(), word_topic("ab")};
    EXPECT_EQ(decode_log(ev, with_topic0, words({num("9")})).error(), DecodeError::kWrongTopicCount);
}

TEST(AbiDecodeLog, WrongTopicCount) {
    auto ev = parse_event("Transfer(address indexed,address indexed,uint256)").value();
    std::vector<Hash32> too_many{ev.topic0(), word_topic("1"), word_topic("2"), word_topic("3")};
    EXPECT_EQ(decode_log(ev, too_many, words({num("1")})).error(), DecodeError::kWrongTopicCount);
    EXPECT_EQ(decode_log(ev, {}, words({num("1")})).error(), DecodeError::kWrongTopicCount);
}

TEST(AbiDecodeLog, Topic0Mismatch) {
    auto ev = parse_event("Transfer(address indexed,address indexed,uint256)").value();
    auto approval = parse_event("Approval(address indexed,address indexed,uint256)").value();
    std::vector<Hash32> topics{approval.topic0(), word_topic("1"), word_topic("2")};
    EXPECT_EQ(decode_log(ev, topics, words({num("1")})).error(), DecodeError::kTopic0Mismatch);
}

TEST(AbiDecodeLog, BadIndexedWordAndBadData) {
    auto ev = parse_event("E(address indexed a, bool indexed b, uint256 c)").value();
    std::vector<Hash32> dirty_address{ev.topic0(), h("01" + std::string(62, '0')), word_topic("1")};
    EXPECT_EQ(decode_log(ev, dirty_address, words({num("1")})).error(), DecodeError::kDirtyAddress);
    std::vector<Hash32> dirty_bool{ev.topic0(), word_topic("1"), word_topic("2")};
    EXPECT_EQ(decode_log(ev, dirty_bool, words({num("1")})).error(), DecodeError::kDirtyBool);
    std::vector<Hash32> good{ev.topic0(), word_topic("1"), word_topic("1")};
    EXPECT_EQ(decode_log(ev, good, {}).error(), DecodeError::kShortData);
}

}  // namespace
}  // namespace tokensync::core::abi
