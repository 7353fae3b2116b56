#include "core/hash.hpp"

#include <algorithm>

namespace tokensync::core {

std::expected<Hash32, HexError> Hash32::from_hex(std::string_view hex) {
    const auto b = from_hex32(hex);
    if (!b) return std::unexpected(b.error());
    return Hash32{*b};
}

std::string Hash32::hex() const { return to_hex(bytes); }

bool Hash32::is_zero() const noexcept {
    return std::ranges::all_of(bytes, [](uint8_t b) { return b == 0; });
}

}  // namespace tokensync::core
