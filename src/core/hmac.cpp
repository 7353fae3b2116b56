#include "core/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>

#include "core/hex.hpp"

namespace tokensync::core {

ByteArray<32> hmac_sha256(ByteView key, ByteView message) noexcept {
    ByteArray<32> out{};
    unsigned int length = 0;
    // An empty key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
    static constexpr uint8_t kNoKey = 0;
    HMAC(EVP_sha256(), key.empty() ? &kNoKey : key.data(), static_cast<int>(key.size()), message.data(), message.size(),
         out.data(), &length);
    return out;
}

bool hmac_sha256_hex_matches(ByteView key, ByteView message, std::string_view signature) noexcept {
    // The shape of the signature is the sender's, not a secret: only the
    // comparison with the expected value has to take constant time.
    if (signature.size() != 64) return false;
    const auto given = from_hex32(signature);
    if (!given) return false;
    const ByteArray<32> expected = hmac_sha256(key, message);
    return CRYPTO_memcmp(given->data(), expected.data(), expected.size()) == 0;
}

bool constant_time_equals(std::string_view given, std::string_view expected) noexcept {
    unsigned diff = given.size() == expected.size() ? 0U : 1U;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const char g = i < given.size() ? given[i] : '\0';
        diff |= static_cast<unsigned>(static_cast<unsigned char>(g) ^ static_cast<unsigned char>(expected[i]));
    }
    return diff == 0;
}

}  // namespace tokensync::core
