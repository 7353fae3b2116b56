#pragma once

#include <cstdint>
#include <ostream>

#include "core/address.hpp"
#include "core/hash.hpp"
#include "core/uint256.hpp"

// Distinct, readable values for tests' rows: the first byte says what a
// value is for (a tag), the last bytes which one it is.
namespace tokensync::test_util {

// A hash whose first byte is `tag` and whose last 8 bytes hold `n`, big-endian.
inline core::Hash32 tagged_hash(uint8_t tag, uint64_t n) {
    core::Hash32 h;
    h.bytes[0] = tag;
    for (int i = 0; i < 8; ++i)
        h.bytes[31 - i] = static_cast<uint8_t>(n >> (8 * i));
    return h;
}

// An address whose first byte is `tag` and whose last byte is `n`.
inline core::Address tagged_address(uint8_t tag, uint8_t n) {
    core::ByteArray<20> b{};
    b[0] = tag;
    b[19] = n;
    return core::Address(b);
}

}  // namespace tokensync::test_util

namespace tokensync::core {
// Readable failure messages for uint256 comparisons.
// NOLINTNEXTLINE(readability-identifier-naming): googletest finds PrintTo by this exact name.
inline void PrintTo(const Uint256& v, std::ostream* os) { *os << v.to_decimal(); }
}  // namespace tokensync::core
