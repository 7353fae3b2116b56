#include "chain/evm/bloom.hpp"

#include <algorithm>
#include <array>

#include "core/hash.hpp"

namespace tokensync::chain::evm {
namespace {

// The three bit numbers (0..2047) of an item: the low 11 bits of each of the
// first three big-endian 16-bit words of its keccak-256.
std::array<uint32_t, 3> bit_numbers(core::ByteView item) noexcept {
    const core::Hash32 h = core::keccak256(item);
    std::array<uint32_t, 3> bits{};
    for (std::size_t i = 0; i < bits.size(); ++i)
        bits[i] = ((static_cast<uint32_t>(h.bytes[2 * i]) << 8) | h.bytes[2 * i + 1]) & 2047U;
    return bits;
}

}  // namespace

std::expected<LogsBloom, core::HexError> LogsBloom::from_hex(std::string_view hex) {
    auto bytes = core::from_hex(hex);
    if (!bytes) return std::unexpected(bytes.error());
    if (bytes->size() != kBytes) return std::unexpected(core::HexError::kWrongLength);
    LogsBloom bloom;
    std::ranges::copy(*bytes, bloom.bytes_.begin());
    return bloom;
}

bool LogsBloom::may_contain(core::ByteView item) const noexcept {
    // A zero bloom needs no special case: none of the item's three bits is set.
    return std::ranges::all_of(bit_numbers(item),
                               [&](uint32_t k) { return (bytes_[kBytes - 1 - k / 8] & (1U << (k % 8))) != 0; });
}

void LogsBloom::add(core::ByteView item) noexcept {
    for (const uint32_t k : bit_numbers(item))
        bytes_[kBytes - 1 - k / 8] |= static_cast<uint8_t>(1U << (k % 8));
}

std::string LogsBloom::hex() const { return core::to_hex(core::ByteView{bytes_}); }

bool LogsBloom::is_zero() const noexcept {
    return std::ranges::all_of(bytes_, [](uint8_t b) { return b == 0; });
}

}  // namespace tokensync::chain::evm
