#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tokensync::core {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;
template <std::size_t N>
using ByteArray = std::array<uint8_t, N>;

inline ByteView as_bytes(std::string_view s) noexcept { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

}  // namespace tokensync::core
