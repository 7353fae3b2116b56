#include "core/secp256k1.hpp"

#include <string>

#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace tokensync::core {
namespace {

// anvil's first dev account (its key is printed by every `anvil` start).
constexpr std::string_view kAnvilKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
constexpr std::string_view kAnvilAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

Hash32 digest() { return keccak256(std::string_view("tokensync keeper")); }

Signature from_rsv(std::string_view rsv) {
    const auto bytes = from_hex(rsv);
    EXPECT_TRUE(bytes.has_value() && bytes->size() == 65);
    Signature s;
    std::copy_n(bytes->begin(), 32, s.r.begin());
    std::copy_n(bytes->begin() + 32, 32, s.s.begin());
    s.y_parity = static_cast<std::uint8_t>((*bytes)[64] - 27);
    return s;
}

TEST(PrivateKey, AddressOfAnvilsFirstAccount) {
    const auto key = PrivateKey::from_hex(kAnvilKey);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->address().checksum(), kAnvilAddress);
}

TEST(PrivateKey, KeyOneIsTheGeneratorsAddress) {
    const auto key = PrivateKey::from_hex("0000000000000000000000000000000000000000000000000000000000000001");
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->address().checksum(), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
}

// Known answers from Foundry's `cast wallet sign --no-hash` (1.7.1), which
// prints r || s || v with v = 27 + y parity. RFC 6979 makes them repeatable.
TEST(PrivateKey, SignsAsFoundryDoes) {
    const auto key = PrivateKey::from_hex(kAnvilKey);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(digest().hex(), "0x15c5c91cf0be18f86670c08f914c3a7ebd76fa37eb51f61a5d7f2bfb9c42d097");
    EXPECT_EQ(key->sign(digest()), from_rsv("0xa19e1e7f9f3bec7cae62531894aad34749495f6940308618f1bff356d34cfc88"
                                            "1053855a06d818613666f7c223d8b856ffb7e78c6788e225620e2c103701e2d91b"));
    const auto one = PrivateKey::from_hex("0x0000000000000000000000000000000000000000000000000000000000000001");
    ASSERT_TRUE(one.has_value());
    EXPECT_EQ(one->sign(digest()), from_rsv("0xa839e66d4bdf362b93c3e16b499d637911efcf1ace2fe9f0cf0f8e248dd9e1b3"
                                            "7715f5e229b645bdc1b2550bcd0f402327923bcf6497906918bab400b5ea89711b"));
}

TEST(PrivateKey, RecoverGivesTheSigner) {
    const auto key = PrivateKey::from_hex(kAnvilKey);
    ASSERT_TRUE(key.has_value());
    const Signature sig = key->sign(digest());
    const auto signer = recover_signer(digest(), sig);
    ASSERT_TRUE(signer.has_value());
    EXPECT_EQ(*signer, key->address());

    Signature flipped = sig;
    flipped.y_parity ^= 1U;
    const auto other = recover_signer(digest(), flipped);
    ASSERT_TRUE(other.has_value());
    EXPECT_NE(*other, key->address());

    Signature bad = sig;
    bad.y_parity = 2;
    EXPECT_EQ(recover_signer(digest(), bad).error(), KeyError::kOutOfRange);
    Signature zero;
    EXPECT_EQ(recover_signer(digest(), zero).error(), KeyError::kOutOfRange);
}

TEST(PrivateKey, KeyFileWhiteSpaceIsIgnored) {
    const auto key = PrivateKey::from_hex(std::string("  ") + std::string(kAnvilKey) + "\n");
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->address().checksum(), kAnvilAddress);
}

TEST(PrivateKey, RejectsBadKeysWithoutNamingThem) {
    EXPECT_EQ(PrivateKey::from_hex("0x1234").error(), KeyError::kWrongLength);
    EXPECT_EQ(PrivateKey::from_hex(std::string(kAnvilKey) + "00").error(), KeyError::kWrongLength);
    EXPECT_EQ(PrivateKey::from_hex("").error(), KeyError::kWrongLength);
    EXPECT_EQ(PrivateKey::from_hex(kAnvilKey.substr(0, 65)).error(), KeyError::kWrongLength);  // 63 digits
    std::string bad(kAnvilKey);
    bad[10] = 'g';
    EXPECT_EQ(PrivateKey::from_hex(bad).error(), KeyError::kBadHex);
    EXPECT_EQ(PrivateKey::from_hex(std::string(64, '0')).error(), KeyError::kOutOfRange);
    // The curve order n, and n itself is not a key.
    EXPECT_EQ(PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141").error(),
              KeyError::kOutOfRange);
    EXPECT_TRUE(PrivateKey::from_hex("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140").has_value());
    for (KeyError e : {KeyError::kBadHex, KeyError::kWrongLength, KeyError::kOutOfRange}) {
        EXPECT_EQ(to_string(e).find("ac0974"), std::string_view::npos);
        EXPECT_FALSE(to_string(e).empty());
    }
}

}  // namespace
}  // namespace tokensync::core
