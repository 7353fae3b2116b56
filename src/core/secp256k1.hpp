#pragma once

#include <cstdint>
#include <expected>
#include <string_view>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"

// secp256k1 keys and recoverable ECDSA signatures, as Ethereum uses them
// (PROTOCOLS.md, "Signing"): RFC 6979 nonces, low-s, the sender is the last
// 20 bytes of keccak256 of the 64-byte public key. Backed by libsecp256k1.
namespace tokensync::core {

enum class KeyError {
    kBadHex,       // a character outside [0-9a-fA-F]
    kWrongLength,  // not 64 hex digits (32 bytes)
    kOutOfRange,   // zero, or not below the curve order
};

// Never names the key: these texts go into error messages.
std::string_view to_string(KeyError e) noexcept;

// A recoverable signature: r, s (low-s) and the y parity of R (0 or 1).
struct Signature {
    ByteArray<32> r{};
    ByteArray<32> s{};
    std::uint8_t y_parity = 0;

    friend bool operator==(const Signature&, const Signature&) = default;
};

// A private key. It has no hex() and no stream operator on purpose, so it
// cannot reach a log line by accident; its bytes are wiped when it dies.
class PrivateKey {
  public:
    // 64 hex digits with or without "0x"; surrounding white space (a key file's
    // trailing newline) is ignored.
    static std::expected<PrivateKey, KeyError> from_hex(std::string_view text);

    PrivateKey(const PrivateKey&) = default;
    PrivateKey& operator=(const PrivateKey&) = default;
    ~PrivateKey();

    Address address() const;
    // Signs a 32-byte digest (e.g. an EIP-1559 signing hash) as is.
    Signature sign(const Hash32& digest) const;

  private:
    explicit PrivateKey(const ByteArray<32>& bytes) noexcept : bytes_{bytes} {}
    ByteArray<32> bytes_{};
};

// The address whose key made the signature over the digest, or nothing when
// the signature is not valid (r or s out of range, parity above 1, no point).
std::expected<Address, KeyError> recover_signer(const Hash32& digest, const Signature& signature);

}  // namespace tokensync::core
