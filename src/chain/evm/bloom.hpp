#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

#include "core/bytes.hpp"
#include "core/hex.hpp"

namespace tokensync::chain::evm {

// A block header's logsBloom: 2048 bits in which every log of the block sets
// three bits for its address and three for each of its topics (the yellow
// paper's M3:2048, section 4.3.1). A clear bit proves an item absent; set
// bits prove nothing (false positives grow with the block's log count).
class LogsBloom {
  public:
    static constexpr std::size_t kBytes = 256;

    // Exactly 256 bytes of hex, with or without "0x".
    static std::expected<LogsBloom, core::HexError> from_hex(std::string_view hex);

    // False when the item (a 20-byte address or a 32-byte topic) is certainly
    // not in the block; true when it may be.
    bool may_contain(core::ByteView item) const noexcept;
    void add(core::ByteView item) noexcept;
    bool is_zero() const noexcept;
    std::string hex() const;  // "0x" and 512 lower-case digits

    friend bool operator==(const LogsBloom&, const LogsBloom&) = default;

  private:
    core::ByteArray<kBytes> bytes_{};  // big-endian: bit k is bytes_[255 - k / 8] & (1 << k % 8)
};

}  // namespace tokensync::chain::evm
