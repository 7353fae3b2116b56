#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace tokensync::core {

enum class NumberError {
    kEmpty,         // no digits
    kInvalidDigit,  // a character that is not a digit of the base
    kOverflow,      // does not fit in 256 bits (or the signed range for intN)
    kTooLong,       // more than 32 bytes
};

std::string_view to_string(NumberError e) noexcept;

// Unsigned 256-bit integer, four little-endian 64-bit limbs. Signed values
// (ABI intN) are held in two's complement and read with the *_signed calls.
class Uint256 {
  public:
    constexpr Uint256() noexcept = default;
    constexpr Uint256(uint64_t v) noexcept : limbs_{v, 0, 0, 0} {}  // NOLINT(google-explicit-constructor)

    // Decimal digits only; no sign, no prefix.
    static std::expected<Uint256, NumberError> from_decimal(std::string_view s);
    // Hex digits with an optional 0x prefix; leading zeros allowed.
    static std::expected<Uint256, NumberError> from_hex(std::string_view s);
    // "0x…" as hex, anything else as decimal.
    static std::expected<Uint256, NumberError> parse(std::string_view s);
    // Optional leading '-', decimal or 0x-hex magnitude; result in two's
    // complement. Overflow when outside [-2^255, 2^256).
    static std::expected<Uint256, NumberError> parse_signed(std::string_view s);

    static Uint256 from_be_bytes(const ByteArray<32>& be) noexcept;
    // Up to 32 big-endian bytes, left-padded with zeros.
    static std::expected<Uint256, NumberError> from_be_bytes(ByteView be) noexcept;
    ByteArray<32> to_be_bytes() const noexcept;

    std::string to_decimal() const;
    std::string to_hex() const;             // "0x0", "0x1f": minimal, lower-case
    std::string to_signed_decimal() const;  // two's complement read: "-1" for all ones

    bool is_zero() const noexcept;
    bool fits_u64() const noexcept;
    uint64_t low64() const noexcept { return limbs_[0]; }
    unsigned bit_length() const noexcept;  // 0 for zero
    bool is_negative() const noexcept { return (limbs_[3] >> 63) != 0; }

    std::optional<Uint256> checked_add(const Uint256& o) const noexcept;
    std::optional<Uint256> checked_sub(const Uint256& o) const noexcept;
    std::optional<Uint256> checked_mul(const Uint256& o) const noexcept;
    Uint256 wrapping_add(const Uint256& o) const noexcept;
    Uint256 wrapping_neg() const noexcept;  // two's complement negation

    const std::array<uint64_t, 4>& limbs() const noexcept { return limbs_; }

    friend bool operator==(const Uint256&, const Uint256&) = default;
    friend std::strong_ordering operator<=>(const Uint256& a, const Uint256& b) noexcept;

  private:
    std::array<uint64_t, 4> limbs_{};
};

}  // namespace tokensync::core
