// Large expected values were computed with Python's arbitrary-precision integers.
#include "core/uint256.hpp"

#include <gtest/gtest.h>

namespace tokensync::core {
namespace {

constexpr std::string_view kMaxDecimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";  // 2^256 - 1
constexpr std::string_view kTwoTo256 = "115792089237316195423570985008687907853269984665640564039457584007913129639936";
constexpr std::string_view kTwoTo255 = "57896044618658097711785492504343953926634992332820282019728792003956564819968";

Uint256 hex(std::string_view s) {
    auto v = Uint256::from_hex(s);
    EXPECT_TRUE(v.has_value()) << s;
    return v.value_or(Uint256{});
}

Uint256 max_value() { return hex("0x" + std::string(64, 'f')); }

TEST(Uint256, DecimalKnownAnswers) {
    EXPECT_EQ(Uint256::from_decimal("0"), Uint256{0});
    EXPECT_EQ(Uint256::from_decimal("1"), Uint256{1});
    EXPECT_EQ(Uint256::from_decimal("000042"), Uint256{42});
    EXPECT_EQ(Uint256::from_decimal("18446744073709551615"), Uint256{UINT64_MAX});
    const auto two_to_64 = Uint256::from_decimal("18446744073709551616");
    ASSERT_TRUE(two_to_64.has_value());
    EXPECT_EQ(two_to_64->limbs(), (std::array<uint64_t, 4>{0, 1, 0, 0}));
    EXPECT_EQ(Uint256::from_decimal(kMaxDecimal), max_value());
    EXPECT_EQ(Uint256::from_decimal("0" + std::string(kMaxDecimal)), max_value());
}

TEST(Uint256, DecimalErrors) {
    EXPECT_EQ(Uint256::from_decimal("").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::from_decimal(kTwoTo256).error(), NumberError::kOverflow);
    EXPECT_EQ(Uint256::from_decimal(std::string(100, '9')).error(), NumberError::kOverflow);
    EXPECT_EQ(Uint256::from_decimal("12a").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::from_decimal("-1").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::from_decimal("+1").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::from_decimal(" 1").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::from_decimal("0x10").error(), NumberError::kInvalidDigit);
    // A bad digit is reported even when the digits before it already overflow.
    EXPECT_EQ(Uint256::from_decimal(std::string(100, '9') + "x").error(), NumberError::kInvalidDigit);
}

TEST(Uint256, HexKnownAnswers) {
    EXPECT_EQ(Uint256::from_hex("0x0"), Uint256{0});
    EXPECT_EQ(Uint256::from_hex("0"), Uint256{0});
    EXPECT_EQ(Uint256::from_hex("0x1"), Uint256{1});
    EXPECT_EQ(Uint256::from_hex("0XfF"), Uint256{255});
    EXPECT_EQ(Uint256::from_hex("0x10000000000000000"), Uint256::from_decimal("18446744073709551616"));
    EXPECT_EQ(Uint256::from_hex("0x" + std::string(64, 'F')), Uint256::from_decimal(kMaxDecimal));
    // Leading zeros beyond 64 digits are fine.
    EXPECT_EQ(Uint256::from_hex("0x" + std::string(70, '0') + "2a"), Uint256{42});
}

TEST(Uint256, HexErrors) {
    EXPECT_EQ(Uint256::from_hex("").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::from_hex("0x").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::from_hex("0x1" + std::string(64, '0')).error(), NumberError::kOverflow);  // 2^256
    EXPECT_EQ(Uint256::from_hex("0x12g4").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::from_hex("0x-1").error(), NumberError::kInvalidDigit);
}

TEST(Uint256, ParsePicksTheBase) {
    EXPECT_EQ(Uint256::parse("0x10"), Uint256{16});
    EXPECT_EQ(Uint256::parse("10"), Uint256{10});
    EXPECT_EQ(Uint256::parse("").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::parse("0x").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::parse("ff").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::parse(kTwoTo256).error(), NumberError::kOverflow);
}

TEST(Uint256, ParseSigned) {
    EXPECT_EQ(Uint256::parse_signed("-1"), max_value());
    EXPECT_EQ(Uint256::parse_signed("-0"), Uint256{0});
    EXPECT_EQ(Uint256::parse_signed("7"), Uint256{7});
    EXPECT_EQ(Uint256::parse_signed("-0x2"), hex("0x" + std::string(63, 'f') + "e"));
    const auto min = Uint256::parse_signed("-" + std::string(kTwoTo255));
    ASSERT_TRUE(min.has_value());
    EXPECT_EQ(*min, hex("0x8" + std::string(63, '0')));
    EXPECT_EQ(min->to_signed_decimal(), "-" + std::string(kTwoTo255));
    // The positive side accepts the whole unsigned range.
    EXPECT_EQ(Uint256::parse_signed(kMaxDecimal), max_value());
}

TEST(Uint256, ParseSignedErrors) {
    EXPECT_EQ(
        Uint256::parse_signed("-57896044618658097711785492504343953926634992332820282019728792003956564819969").error(),
        NumberError::kOverflow);  // -(2^255 + 1)
    EXPECT_EQ(Uint256::parse_signed(kTwoTo256).error(), NumberError::kOverflow);
    EXPECT_EQ(Uint256::parse_signed("-").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::parse_signed("").error(), NumberError::kEmpty);
    EXPECT_EQ(Uint256::parse_signed("--1").error(), NumberError::kInvalidDigit);
    EXPECT_EQ(Uint256::parse_signed("-1a").error(), NumberError::kInvalidDigit);
}

TEST(Uint256, Printing) {
    EXPECT_EQ(Uint256{0}.to_decimal(), "0");
    EXPECT_EQ(Uint256{1}.to_decimal(), "1");
    EXPECT_EQ(hex("0x10000000000000000").to_decimal(), "18446744073709551616");
    // 10^19 and 10^38 sit exactly on the 19-digit chunk boundaries of the printer.
    EXPECT_EQ(Uint256::from_decimal("10000000000000000000")->to_decimal(), "10000000000000000000");
    EXPECT_EQ(Uint256::from_decimal("100000000000000000000000000000000000000")->to_decimal(),
              "100000000000000000000000000000000000000");
    EXPECT_EQ(max_value().to_decimal(), kMaxDecimal);

    EXPECT_EQ(Uint256{0}.to_hex(), "0x0");
    EXPECT_EQ(Uint256{1}.to_hex(), "0x1");
    EXPECT_EQ(Uint256{31}.to_hex(), "0x1f");
    EXPECT_EQ(Uint256{256}.to_hex(), "0x100");
    EXPECT_EQ(hex("0x0010000000000000000").to_hex(), "0x10000000000000000");
    EXPECT_EQ(max_value().to_hex(), "0x" + std::string(64, 'f'));

    EXPECT_EQ(max_value().to_signed_decimal(), "-1");
    EXPECT_EQ(Uint256{5}.to_signed_decimal(), "5");
    EXPECT_EQ(hex("0x7" + std::string(63, 'f')).to_signed_decimal(),
              "57896044618658097711785492504343953926634992332820282019728792003956564819967");
}

TEST(Uint256, BigEndianBytes) {
    ByteArray<32> be{};
    be[0] = 0x01;
    be[31] = 0x02;
    const Uint256 v = Uint256::from_be_bytes(be);
    EXPECT_EQ(v, hex("0x01" + std::string(60, '0') + "02"));
    EXPECT_EQ(v.to_be_bytes(), be);

    const Bytes short_be{0x01, 0x00};
    EXPECT_EQ(Uint256::from_be_bytes(ByteView{short_be}), Uint256{256});
    EXPECT_EQ(Uint256::from_be_bytes(ByteView{}), Uint256{0});
    const Bytes full(32, 0xff);
    EXPECT_EQ(Uint256::from_be_bytes(ByteView{full}), max_value());
    const Bytes too_long(33, 0x00);
    EXPECT_EQ(Uint256::from_be_bytes(ByteView{too_long}).error(), NumberError::kTooLong);
}

TEST(Uint256, Predicates) {
    EXPECT_TRUE(Uint256{0}.is_zero());
    EXPECT_FALSE(Uint256{1}.is_zero());
    EXPECT_TRUE(Uint256{UINT64_MAX}.fits_u64());
    EXPECT_FALSE(hex("0x10000000000000000").fits_u64());
    EXPECT_EQ(Uint256{UINT64_MAX}.low64(), UINT64_MAX);
    EXPECT_EQ(Uint256{0}.bit_length(), 0U);
    EXPECT_EQ(Uint256{1}.bit_length(), 1U);
    EXPECT_EQ(Uint256{255}.bit_length(), 8U);
    EXPECT_EQ(hex("0x10000000000000000").bit_length(), 65U);
    EXPECT_EQ(max_value().bit_length(), 256U);
    EXPECT_TRUE(max_value().is_negative());
    EXPECT_FALSE(hex("0x7" + std::string(63, 'f')).is_negative());
}

TEST(Uint256, Ordering) {
    EXPECT_LT(Uint256{1}, Uint256{2});
    EXPECT_LT(Uint256{UINT64_MAX}, hex("0x10000000000000000"));
    EXPECT_GT(hex("0x1" + std::string(48, '0')), hex("0xffffffffffff" + std::string(36, 'f')));
    EXPECT_EQ(Uint256{3} <=> Uint256{3}, std::strong_ordering::equal);
}

TEST(Uint256, CheckedAdd) {
    EXPECT_EQ(Uint256{2}.checked_add(Uint256{3}), Uint256{5});
    // The carry crosses all three limb boundaries.
    EXPECT_EQ(hex("0x" + std::string(63, 'f') + "e").checked_add(Uint256{1}), max_value());
    EXPECT_EQ(Uint256{UINT64_MAX}.checked_add(Uint256{1}), hex("0x10000000000000000"));
    EXPECT_EQ(max_value().checked_add(Uint256{1}), std::nullopt);
    EXPECT_EQ(max_value().checked_add(max_value()), std::nullopt);
}

TEST(Uint256, CheckedSub) {
    EXPECT_EQ(Uint256{5}.checked_sub(Uint256{3}), Uint256{2});
    EXPECT_EQ(Uint256{5}.checked_sub(Uint256{5}), Uint256{0});
    EXPECT_EQ(hex("0x10000000000000000").checked_sub(Uint256{1}), Uint256{UINT64_MAX});
    EXPECT_EQ(Uint256{3}.checked_sub(Uint256{5}), std::nullopt);
    EXPECT_EQ(Uint256{0}.checked_sub(max_value()), std::nullopt);
}

TEST(Uint256, CheckedMul) {
    EXPECT_EQ(Uint256{6}.checked_mul(Uint256{7}), Uint256{42});
    EXPECT_EQ(max_value().checked_mul(Uint256{0}), Uint256{0});
    EXPECT_EQ(max_value().checked_mul(Uint256{1}), max_value());
    EXPECT_EQ(hex("0x56513270e269e0d37f2a74de452e6b438").checked_mul(hex("0x892f902d23f0824128b2f330c5c7fd0")),
              hex("0x2e417d8390a7c9e4bdb27304d0681e09895f13d5b7be4e2182f8592732fa3580"));
    EXPECT_EQ(hex("0x0123456789abcdeffedcba98765432100f1e2d3c4b5a6978").checked_mul(hex("0xfedcba9876543210")),
              hex("0x121fa00ad77d7431ff19927ae3de7bcedf966ad44a443999aacd00449a00780"));
    // (2^128 - 1)^2 = 2^256 - 2^129 + 1: every partial product carries.
    const Uint256 m = hex("0x" + std::string(32, 'f'));
    EXPECT_EQ(m.checked_mul(m), hex("0xfffffffffffffffffffffffffffffffe00000000000000000000000000000001"));
    EXPECT_EQ(hex("0x5555555555555555555555555555555555555555555555555555555555555555").checked_mul(Uint256{3}),
              max_value());
}

TEST(Uint256, CheckedMulOverflow) {
    const Uint256 two_to_128 = hex("0x1" + std::string(32, '0'));
    EXPECT_EQ(two_to_128.checked_mul(two_to_128), std::nullopt);
    EXPECT_EQ(hex("0x8" + std::string(63, '0')).checked_mul(Uint256{2}), std::nullopt);
    EXPECT_EQ(hex("0x5555555555555555555555555555555555555555555555555555555555555555").checked_mul(Uint256{4}),
              std::nullopt);
    // 257 bits: (2^129 - 1)(2^127 + 1).
    EXPECT_EQ(hex("0x1" + std::string(32, 'f')).checked_mul(hex("0x8" + std::string(30, '0') + "1")), std::nullopt);
    EXPECT_EQ(max_value().checked_mul(max_value()), std::nullopt);
}

TEST(Uint256, Wrapping) {
    EXPECT_EQ(max_value().wrapping_add(Uint256{2}), Uint256{1});
    EXPECT_EQ(Uint256{1}.wrapping_neg(), max_value());
    EXPECT_EQ(Uint256{0}.wrapping_neg(), Uint256{0});
    const Uint256 min = hex("0x8" + std::string(63, '0'));
    EXPECT_EQ(min.wrapping_neg(), min);
}

TEST(Uint256, ErrorsHaveMessages) {
    EXPECT_EQ(to_string(NumberError::kEmpty), "no digits");
    EXPECT_EQ(to_string(NumberError::kInvalidDigit), "invalid digit");
    EXPECT_EQ(to_string(NumberError::kOverflow), "number out of range");
    EXPECT_EQ(to_string(NumberError::kTooLong), "more than 32 bytes");
}

}  // namespace
}  // namespace tokensync::core
