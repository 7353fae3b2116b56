#include "core/hmac.hpp"

#include <string>

#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace tokensync::core {
namespace {

std::string hmac_hex(ByteView key, std::string_view message) {
    return to_hex(hmac_sha256(key, as_bytes(message)), false);
}

// RFC 4231, test cases 1, 2 and 6 (a key longer than the block size).
TEST(Hmac, MatchesTheRfc4231Vectors) {
    const Bytes key1(20, 0x0b);
    EXPECT_EQ(hmac_hex(key1, "Hi There"), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    EXPECT_EQ(hmac_hex(as_bytes("Jefe"), "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    const Bytes key6(131, 0xaa);
    EXPECT_EQ(hmac_hex(key6, "Test Using Larger Than Block-Size Key - Hash Key First"),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Hmac, AnEmptyKeyAndMessageAreValidInputs) {
    // HMAC-SHA256("", "") as given by `openssl dgst -sha256 -hmac ""` of an empty input.
    EXPECT_EQ(hmac_hex({}, ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(Hmac, ChecksAHexSignatureOfTheBody) {
    const std::string key = "whsec_test";
    const std::string body = R"({"webhookId":"wh_1","id":"whevt_1"})";
    const std::string good = hmac_hex(as_bytes(key), body);
    EXPECT_TRUE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), good));
    std::string upper = good;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), upper));

    std::string flipped = good;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), flipped));
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes("other"), as_bytes(body), good));
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body + " "), good));
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), ""));
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), good.substr(0, 62)));
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), "0x" + good.substr(0, 62)));
    EXPECT_FALSE(hmac_sha256_hex_matches(as_bytes(key), as_bytes(body), std::string(64, 'g')));
}

TEST(Hmac, ConstantTimeEqualsComparesWholeTokens) {
    EXPECT_TRUE(constant_time_equals("tok3n", "tok3n"));
    EXPECT_TRUE(constant_time_equals("", ""));
    EXPECT_FALSE(constant_time_equals("tok3m", "tok3n"));
    EXPECT_FALSE(constant_time_equals("Tok3n", "tok3n"));
    EXPECT_FALSE(constant_time_equals("tok3", "tok3n"));    // a prefix
    EXPECT_FALSE(constant_time_equals("tok3nn", "tok3n"));  // longer
    EXPECT_FALSE(constant_time_equals("", "tok3n"));
    EXPECT_FALSE(constant_time_equals("tok3n", ""));
    EXPECT_FALSE(constant_time_equals(std::string_view("tok\0n", 5), "tok3n"));
}

}  // namespace
}  // namespace tokensync::core
