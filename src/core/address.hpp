#pragma once

#include <compare>
#include <expected>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace tokensync::core {

enum class AddressError {
    kBadHex,       // not "0x" + hex digits
    kWrongLength,  // not 20 bytes
    kBadChecksum,  // mixed case that is not the EIP-55 checksum
};

std::string_view to_string(AddressError e) noexcept;

// A 20-byte account address. Compared by bytes, so case never matters.
class Address {
  public:
    constexpr Address() noexcept = default;
    explicit Address(const ByteArray<20>& b) noexcept : bytes_{b} {}

    // Requires the 0x prefix. All-lower and all-upper digits are accepted as
    // is; mixed case must be a valid EIP-55 checksum.
    static std::expected<Address, AddressError> from_hex(std::string_view s);
    // As from_hex, but mixed case is not checked.
    static std::expected<Address, AddressError> from_hex_lenient(std::string_view s);

    std::string checksum() const;   // EIP-55 mixed case
    std::string lower_hex() const;  // "0x" + 40 lower-case digits
    bool is_zero() const noexcept;
    const ByteArray<20>& bytes() const noexcept { return bytes_; }

    friend auto operator<=>(const Address&, const Address&) = default;

  private:
    ByteArray<20> bytes_{};
};

}  // namespace tokensync::core
