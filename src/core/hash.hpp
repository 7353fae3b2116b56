#pragma once

#include <compare>
#include <expected>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/hex.hpp"

namespace tokensync::core {

// A 32-byte hash (block hash, transaction hash, event topic, keccak output).
struct Hash32 {
    ByteArray<32> bytes{};

    static std::expected<Hash32, HexError> from_hex(std::string_view hex);
    std::string hex() const;  // "0x" + 64 lower-case digits
    bool is_zero() const noexcept;

    friend auto operator<=>(const Hash32&, const Hash32&) = default;
};

Hash32 keccak256(ByteView data) noexcept;
inline Hash32 keccak256(std::string_view text) noexcept { return keccak256(as_bytes(text)); }

}  // namespace tokensync::core
