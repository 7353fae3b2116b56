#include "core/secp256k1.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include "core/hex.hpp"
#include "core/text.hpp"

namespace tokensync::core {
namespace {

// One context for the process. libsecp256k1 0.2 contexts are read-only after
// creation (safe to share between threads); randomization hardens signing
// against side channels and is skipped if the system has no entropy.
const secp256k1_context* context() {
    static const secp256k1_context* const ctx = [] {
        secp256k1_context* c = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
        std::array<unsigned char, 32> seed{};
        if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) == 1) {
            // Fails only for a null seed; the context stays usable either way.
            [[maybe_unused]] const int randomized = secp256k1_context_randomize(c, seed.data());
        }
        OPENSSL_cleanse(seed.data(), seed.size());
        return c;
    }();
    return ctx;
}

Address address_of(const secp256k1_pubkey& pubkey) {
    std::array<unsigned char, 65> out{};
    std::size_t size = out.size();
    (void)secp256k1_ec_pubkey_serialize(context(), out.data(), &size, &pubkey, SECP256K1_EC_UNCOMPRESSED);
    // out[0] is the 0x04 prefix; the address hashes the 64 bytes after it.
    const Hash32 h = keccak256(ByteView(out.data() + 1, 64));
    ByteArray<20> a{};
    std::copy(h.bytes.end() - 20, h.bytes.end(), a.begin());
    return Address(a);
}

}  // namespace

std::string_view to_string(KeyError e) noexcept {
    switch (e) {
        case KeyError::kBadHex:
            return "has a character that is not a hex digit";
        case KeyError::kWrongLength:
            return "is not 64 hex digits (32 bytes)";
        case KeyError::kOutOfRange:
            return "is not a valid secp256k1 private key (zero, or not below the curve order)";
    }
    return "is not a valid key";
}

std::expected<PrivateKey, KeyError> PrivateKey::from_hex(std::string_view text) {
    auto bytes = from_hex32(trim_space(text));
    if (!bytes) {
        return std::unexpected(bytes.error() == HexError::kInvalidChar ? KeyError::kBadHex : KeyError::kWrongLength);
    }
    PrivateKey key(*bytes);
    OPENSSL_cleanse(bytes->data(), bytes->size());
    if (secp256k1_ec_seckey_verify(context(), key.bytes_.data()) != 1) return std::unexpected(KeyError::kOutOfRange);
    return key;
}

PrivateKey::~PrivateKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Address PrivateKey::address() const {
    secp256k1_pubkey pubkey;
    // Fails only for a key that from_hex would have refused.
    if (secp256k1_ec_pubkey_create(context(), &pubkey, bytes_.data()) != 1) {
        throw std::logic_error("secp256k1: a verified private key has no public key");
    }
    return address_of(pubkey);
}

Signature PrivateKey::sign(const Hash32& digest) const {
    secp256k1_ecdsa_recoverable_signature sig;
    // The default nonce function is RFC 6979; the result is already low-s.
    (void)secp256k1_ecdsa_sign_recoverable(context(), &sig, digest.bytes.data(), bytes_.data(), nullptr, nullptr);
    std::array<unsigned char, 64> compact{};
    int recid = 0;
    (void)secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact.data(), &recid, &sig);
    Signature out;
    std::copy_n(compact.begin(), 32, out.r.begin());
    std::copy_n(compact.begin() + 32, 32, out.s.begin());
    out.y_parity = static_cast<std::uint8_t>(recid);
    return out;
}

std::expected<Address, KeyError> recover_signer(const Hash32& digest, const Signature& signature) {
    if (signature.y_parity > 1) return std::unexpected(KeyError::kOutOfRange);
    std::array<unsigned char, 64> compact{};
    std::copy(signature.r.begin(), signature.r.end(), compact.begin());
    std::copy(signature.s.begin(), signature.s.end(), compact.begin() + 32);
    secp256k1_ecdsa_recoverable_signature sig;
    if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &sig, compact.data(), signature.y_parity) != 1) {
        return std::unexpected(KeyError::kOutOfRange);
    }
    secp256k1_pubkey pubkey;
    if (secp256k1_ecdsa_recover(context(), &pubkey, &sig, digest.bytes.data()) != 1) {
        return std::unexpected(KeyError::kOutOfRange);
    }
    return address_of(pubkey);
}

}  // namespace tokensync::core
