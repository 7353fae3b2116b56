#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace tokensync::core {

enum class HexError {
    kOddLength,    // an odd number of hex digits
    kInvalidChar,  // a character outside [0-9a-fA-F]
    kWrongLength,  // a fixed-size value with the wrong number of bytes
};

std::string_view to_string(HexError e) noexcept;

// Accepts an optional "0x"/"0X" prefix; "" and "0x" decode to no bytes.
std::expected<Bytes, HexError> from_hex(std::string_view hex);

// Exactly N bytes (2N digits after the optional prefix).
std::expected<ByteArray<32>, HexError> from_hex32(std::string_view hex);

// Lower-case, with "0x" unless prefix is false.
std::string to_hex(ByteView bytes, bool prefix = true);

// True when s is "0x" followed by an even number of hex digits.
bool is_hex_data(std::string_view s) noexcept;

}  // namespace tokensync::core
