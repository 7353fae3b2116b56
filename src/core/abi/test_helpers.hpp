#pragma once

// Builders for expected encodings, written the way the ABI spec lays them out:
// one 32-byte word per entry.
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.hpp"
#include "core/hex.hpp"

namespace tokensync::core::abi::testing {

// A number word: hex digits left-padded with zeros.
inline std::string num(std::string_view hex_digits) {
    return std::string(64 - hex_digits.size(), '0') + std::string{hex_digits};
}

// A text or bytes word: the ASCII bytes right-padded with zeros.
inline std::string text(std::string_view ascii) {
    std::string h = to_hex(as_bytes(ascii), false);
    return h + std::string(64 - h.size(), '0');
}

inline Bytes unhex(std::string_view hex) { return from_hex(hex).value(); }

inline Bytes words(const std::vector<std::string>& ws, std::string_view prefix = "") {
    std::string all{prefix};
    for (const auto& w : ws)
        all += w;
    return unhex(all);
}

}  // namespace tokensync::core::abi::testing
