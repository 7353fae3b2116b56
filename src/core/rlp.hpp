#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "core/bytes.hpp"
#include "core/uint256.hpp"

namespace tokensync::core::rlp {

enum class DecodingError {
    kInputTooShort,     // a length that runs past the end
    kInputTooLong,      // bytes left after the top-level item
    kLeadingZero,       // a length or integer with a leading zero byte
    kNonCanonicalSize,  // a short item encoded in long form, or a single byte < 0x80 as a string
    kUnexpectedList,    // wanted a string, got a list
    kUnexpectedString,  // wanted a list, got a string
    kOverflow,          // an integer wider than the target
    kTooDeep,           // lists nested deeper than kMaxDepth (bounds the decoder's recursion)
};

// Deeper nesting is refused so that untrusted input cannot exhaust the stack.
inline constexpr int kMaxDepth = 256;

std::string_view to_string(DecodingError e) noexcept;

// A decoded item: a byte string or a list of items.
struct Item {
    std::variant<Bytes, std::vector<Item>> value;
    bool is_list() const noexcept { return value.index() == 1; }

    friend bool operator==(const Item&, const Item&) = default;
};

// Encoding.
void encode_string(Bytes& out, ByteView s);
void encode_uint(Bytes& out, const Uint256& v);  // minimal big-endian, zero = 0x80
void encode_list_header(Bytes& out, std::size_t payload_length);
Bytes encode(const Item& item);

// Decoding of exactly one item spanning all of `in`, with every canonical-form
// check. The output is untouched on failure.
std::expected<Item, DecodingError> decode(ByteView in);
// Integer from a decoded string item (no leading zeros allowed).
std::expected<Uint256, DecodingError> decode_uint(ByteView s);
// As decode_uint, for values that must fit in 64 bits (nonce, chain id, gas).
std::expected<uint64_t, DecodingError> decode_u64(ByteView s);

// One item spanning all of `in` that must be a string (else kUnexpectedList).
std::expected<Bytes, DecodingError> decode_string(ByteView in);
// One item spanning all of `in` that must be a list (else kUnexpectedString).
std::expected<std::vector<Item>, DecodingError> decode_list(ByteView in);

// Typed views of a decoded item; they borrow from `item`.
std::expected<ByteView, DecodingError> as_string(const Item& item);             // kUnexpectedList
std::expected<std::span<const Item>, DecodingError> as_list(const Item& item);  // kUnexpectedString

}  // namespace tokensync::core::rlp
