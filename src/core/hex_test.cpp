#include "core/hex.hpp"

#include <gtest/gtest.h>

namespace tokensync::core {
namespace {

TEST(Hex, DecodesWithAndWithoutPrefix) {
    EXPECT_EQ(from_hex("0x00ff10Ab"), (Bytes{0x00, 0xff, 0x10, 0xab}));
    EXPECT_EQ(from_hex("0X00FF10ab"), (Bytes{0x00, 0xff, 0x10, 0xab}));
    EXPECT_EQ(from_hex("deadBEEF"), (Bytes{0xde, 0xad, 0xbe, 0xef}));
}

TEST(Hex, EmptyInputsDecodeToNoBytes) {
    EXPECT_EQ(from_hex(""), Bytes{});
    EXPECT_EQ(from_hex("0x"), Bytes{});
}

TEST(Hex, OddLengthIsRejected) {
    EXPECT_EQ(from_hex("0x123").error(), HexError::kOddLength);
    EXPECT_EQ(from_hex("f").error(), HexError::kOddLength);
    EXPECT_EQ(from_hex32("0x" + std::string(63, 'a')).error(), HexError::kOddLength);
}

TEST(Hex, InvalidCharIsRejected) {
    EXPECT_EQ(from_hex("0x0g").error(), HexError::kInvalidChar);
    EXPECT_EQ(from_hex("zz").error(), HexError::kInvalidChar);
    EXPECT_EQ(from_hex("0x 1").error(), HexError::kInvalidChar);
    // A second prefix is not a digit.
    EXPECT_EQ(from_hex("0x0x12").error(), HexError::kInvalidChar);
    EXPECT_EQ(from_hex32("0x" + std::string(63, 'a') + "g").error(), HexError::kInvalidChar);
    EXPECT_EQ(from_hex32("0xg0").error(), HexError::kInvalidChar);
}

TEST(Hex, From32NeedsExactly32Bytes) {
    const std::string digits = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const auto with_prefix = from_hex32("0x" + digits);
    ASSERT_TRUE(with_prefix.has_value());
    EXPECT_EQ((*with_prefix)[0], 0x00);
    EXPECT_EQ((*with_prefix)[15], 0xff);
    EXPECT_EQ((*with_prefix)[31], 0xff);
    EXPECT_EQ(from_hex32(digits), with_prefix);
    EXPECT_EQ(from_hex32("0x" + digits.substr(2)).error(), HexError::kWrongLength);
    EXPECT_EQ(from_hex32("0x" + digits + "00").error(), HexError::kWrongLength);
    EXPECT_EQ(from_hex32("0x").error(), HexError::kWrongLength);
}

TEST(Hex, EncodesLowerCase) {
    const Bytes b{0x00, 0xab, 0xcd, 0xef, 0x09};
    EXPECT_EQ(to_hex(b), "0x00abcdef09");
    EXPECT_EQ(to_hex(b, false), "00abcdef09");
    EXPECT_EQ(to_hex(Bytes{}), "0x");
    EXPECT_EQ(to_hex(Bytes{}, false), "");
    EXPECT_EQ(to_hex(as_bytes("abc")), "0x616263");
}

TEST(Hex, RoundTripsEveryByte) {
    Bytes all(256);
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<uint8_t>(i);
    EXPECT_EQ(from_hex(to_hex(all)), all);
}

TEST(Hex, IsHexData) {
    EXPECT_TRUE(is_hex_data("0x"));
    EXPECT_TRUE(is_hex_data("0x00aAfF"));
    EXPECT_FALSE(is_hex_data(""));
    EXPECT_FALSE(is_hex_data("00"));
    EXPECT_FALSE(is_hex_data("0X00"));
    EXPECT_FALSE(is_hex_data("0x0"));
    EXPECT_FALSE(is_hex_data("0x0g"));
}

TEST(Hex, ErrorsHaveDistinctMessages) {
    EXPECT_EQ(to_string(HexError::kOddLength), "odd number of hex digits");
    EXPECT_EQ(to_string(HexError::kInvalidChar), "invalid hex character");
    EXPECT_EQ(to_string(HexError::kWrongLength), "wrong number of bytes");
}

}  // namespace
}  // namespace tokensync::core
