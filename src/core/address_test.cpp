#include "core/address.hpp"

#include <cctype>

#include <gtest/gtest.h>

namespace tokensync::core {
namespace {

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string upper_digits(std::string s) {
    for (std::size_t i = 2; i < s.size(); ++i)
        s[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
    return s;
}

// The examples of EIP-55.
constexpr std::string_view kEip55Examples[] = {
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

TEST(Address, Eip55ExamplesRoundTrip) {
    for (std::string_view text : kEip55Examples) {
        const auto a = Address::from_hex(text);
        ASSERT_TRUE(a.has_value()) << text;
        EXPECT_EQ(a->checksum(), text);
        EXPECT_EQ(a->lower_hex(), lower(std::string(text)));
    }
}

TEST(Address, ChecksumFromLowerCase) {
    for (std::string_view text : kEip55Examples) {
        const auto a = Address::from_hex(lower(std::string(text)));
        ASSERT_TRUE(a.has_value()) << text;
        EXPECT_EQ(a->checksum(), text);
    }
}

TEST(Address, SingleCaseIsAccepted) {
    for (std::string_view text : kEip55Examples) {
        const auto from_lower = Address::from_hex(lower(std::string(text)));
        const auto from_upper = Address::from_hex(upper_digits(std::string(text)));
        ASSERT_TRUE(from_lower.has_value()) << text;
        ASSERT_TRUE(from_upper.has_value()) << text;
        EXPECT_EQ(*from_lower, *from_upper);  // compared by bytes, case never matters
        EXPECT_EQ(*from_lower, *Address::from_hex(text));
    }
}

TEST(Address, WrongChecksumIsRejected) {
    // The first example with one letter's case flipped: 'a' at index 3 becomes 'A'.
    EXPECT_EQ(Address::from_hex("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").error(), AddressError::kBadChecksum);
    // And with its last letter lowered.
    EXPECT_EQ(Address::from_hex("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9adb").error(), AddressError::kBadChecksum);
}

TEST(Address, LenientIgnoresTheChecksum) {
    const auto a = Address::from_hex_lenient("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->checksum(), kEip55Examples[0]);
    EXPECT_EQ(Address::from_hex_lenient("0x1234").error(), AddressError::kWrongLength);
    EXPECT_EQ(Address::from_hex_lenient("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").error(), AddressError::kBadHex);
}

TEST(Address, WrongLength) {
    EXPECT_EQ(Address::from_hex("0x").error(), AddressError::kWrongLength);
    EXPECT_EQ(Address::from_hex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae").error(), AddressError::kWrongLength);
    EXPECT_EQ(Address::from_hex("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed00").error(), AddressError::kWrongLength);
    EXPECT_EQ(Address::from_hex("0x" + std::string(64, '0')).error(), AddressError::kWrongLength);
}

TEST(Address, BadHex) {
    // Missing prefix.
    EXPECT_EQ(Address::from_hex("5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").error(), AddressError::kBadHex);
    EXPECT_EQ(Address::from_hex("0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed").error(), AddressError::kBadHex);
    EXPECT_EQ(Address::from_hex("").error(), AddressError::kBadHex);
    // Bad characters.
    EXPECT_EQ(Address::from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg").error(), AddressError::kBadHex);
    EXPECT_EQ(Address::from_hex("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe ").error(), AddressError::kBadHex);
    EXPECT_EQ(Address::from_hex("0x0x5aeb6053F3E94C9b9A09f33669435E7Ef1BeAed").error(), AddressError::kBadHex);
}

TEST(Address, ZeroAndBytes) {
    const Address zero;
    EXPECT_TRUE(zero.is_zero());
    EXPECT_EQ(zero.lower_hex(), "0x" + std::string(40, '0'));
    EXPECT_EQ(zero.checksum(), "0x" + std::string(40, '0'));
    const auto a = Address::from_hex("0x000000000000000000000000000000000000aaaa");
    ASSERT_TRUE(a.has_value());
    EXPECT_FALSE(a->is_zero());
    EXPECT_EQ(a->bytes()[18], 0xaa);
    EXPECT_EQ(a->bytes()[19], 0xaa);
    EXPECT_EQ(Address{a->bytes()}, *a);
    EXPECT_LT(zero, *a);
}

TEST(Address, ErrorsHaveMessages) {
    EXPECT_EQ(to_string(AddressError::kBadHex), "address is not 0x followed by hex digits");
    EXPECT_EQ(to_string(AddressError::kWrongLength), "address is not 20 bytes");
    EXPECT_EQ(to_string(AddressError::kBadChecksum), "address has a wrong EIP-55 checksum");
}

}  // namespace
}  // namespace tokensync::core
