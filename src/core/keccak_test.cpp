// Expected values were computed with foundry's `cast keccak` (an independent
// implementation) or come from PROTOCOLS.md section 2.
#include <gtest/gtest.h>

#include "core/hash.hpp"
#include "core/protocol_vectors_test.hpp"

namespace tokensync::core {
namespace {

std::string keccak_hex(const Bytes& data) { return keccak256(ByteView{data}).hex(); }

std::string selector(std::string_view signature) {
    const Hash32 h = keccak256(signature);
    return to_hex(ByteView{h.bytes}.first(4), false);
}

TEST(Keccak256, EmptyInput) {
    EXPECT_EQ(keccak256(ByteView{}).hex(), "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    EXPECT_EQ(keccak256(std::string_view{}).hex(),
              "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}

TEST(Keccak256, Abc) {
    EXPECT_EQ(keccak256("abc").hex(), "0x4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

TEST(Keccak256, TwoHundredBytesSpanTwoBlocks) {
    EXPECT_EQ(keccak_hex(Bytes(200, 0xa3)), "0x3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a");
}

// 135 bytes leave one byte for padding (0x01 and 0x80 share it); 136 fill the
// block so padding takes a whole extra block; 137 spill one byte over.
TEST(Keccak256, RateBoundaries) {
    EXPECT_EQ(keccak_hex(Bytes(135, 'a')), "0x34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446");
    EXPECT_EQ(keccak_hex(Bytes(136, 'a')), "0xa6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e");
    EXPECT_EQ(keccak_hex(Bytes(137, 'a')), "0xd869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39");
}

TEST(Keccak256, EventTopics) {
    for (const auto& [signature, topic] : test_vectors::kEventTopics)
        EXPECT_EQ(keccak256(signature).hex(), topic) << signature;
}

TEST(Keccak256, FunctionSelectors) {
    for (const auto& [signature, expected] : test_vectors::kFunctionSelectors)
        EXPECT_EQ(selector(signature), expected) << signature;
}

TEST(Hash32, ParsesAndPrints) {
    const std::string_view text = "0xDDF252AD1BE2C89B69C2B068FC378DAA952BA7F163C4A11628F55A4DF523B3EF";
    const auto h = Hash32::from_hex(text);
    ASSERT_TRUE(h.has_value());
    EXPECT_EQ(*h, keccak256("Transfer(address,address,uint256)"));
    EXPECT_EQ(h->hex(), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    EXPECT_FALSE(h->is_zero());
}

TEST(Hash32, Errors) {
    EXPECT_EQ(Hash32::from_hex("0x00").error(), HexError::kWrongLength);
    EXPECT_EQ(Hash32::from_hex("0x0").error(), HexError::kOddLength);
    EXPECT_EQ(Hash32::from_hex("0x" + std::string(63, '0') + "z").error(), HexError::kInvalidChar);
}

TEST(Hash32, ZeroAndOrdering) {
    const Hash32 zero;
    EXPECT_TRUE(zero.is_zero());
    EXPECT_EQ(zero.hex(), "0x" + std::string(64, '0'));
    EXPECT_EQ(Hash32::from_hex("0x" + std::string(64, '0')), zero);
    Hash32 one;
    one.bytes[31] = 1;
    Hash32 high;
    high.bytes[0] = 1;
    EXPECT_FALSE(one.is_zero());
    EXPECT_LT(zero, one);
    EXPECT_LT(one, high);  // byte-wise, most significant first
}

}  // namespace
}  // namespace tokensync::core
