// RLP decoding (core/rlp.hpp), which only accepts canonical encodings.
//
// Properties: an input that decodes re-encodes to exactly the same bytes;
// decode_string / decode_list succeed exactly when decode does and the item
// has that shape, with the same content; an integer read from a string item
// (decode_uint, decode_u64) re-encodes to the same item, and decode_u64
// agrees with decode_uint whenever the value fits 64 bits.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "core/rlp.hpp"
#include "fuzz_support.hpp"

namespace rlp = tokensync::core::rlp;
using tokensync::core::Bytes;
using tokensync::core::ByteView;
using tokensync::core::Uint256;
using tokensync::fuzz::require;

namespace {

void check_integer(ByteView payload) {
    const auto value = rlp::decode_uint(payload);
    const auto small = rlp::decode_u64(payload);
    if (small) require(value.has_value() && *value == Uint256{*small}, "decode_u64 agrees with decode_uint");
    if (!value) return;
    if (!small) require(small.error() == rlp::DecodingError::kOverflow, "decode_u64 fails only by overflow");
    Bytes as_uint;
    rlp::encode_uint(as_uint, *value);
    Bytes as_string;
    rlp::encode_string(as_string, payload);
    require(as_uint == as_string, "an integer re-encodes to the same string item");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const ByteView in{data, size};
    const auto item = rlp::decode(in);
    const auto string = rlp::decode_string(in);
    const auto list = rlp::decode_list(in);
    if (!item) {
        require(!string && !list, "decode_string and decode_list fail when decode does");
        return 0;
    }
    const Bytes encoded = rlp::encode(*item);
    require(ByteView{encoded}.size() == in.size() && std::equal(encoded.begin(), encoded.end(), in.begin()),
            "decode then encode gives the input back");

    if (item->is_list()) {
        require(!string && string.error() == rlp::DecodingError::kUnexpectedList, "decode_string refuses a list");
        require(list.has_value() && *list == std::get<1>(item->value), "decode_list gives the list");
        const auto view = rlp::as_list(*item);
        require(view.has_value() && view->size() == list->size(), "as_list sees the list");
        require(!rlp::as_string(*item), "as_string refuses a list");
    } else {
        require(!list && list.error() == rlp::DecodingError::kUnexpectedString, "decode_list refuses a string");
        require(string.has_value() && *string == std::get<0>(item->value), "decode_string gives the string");
        const auto view = rlp::as_string(*item);
        require(view.has_value() && view->size() == string->size(), "as_string sees the string");
        require(!rlp::as_list(*item), "as_list refuses a string");
        check_integer(*string);
    }
    // Integers are read from raw payloads too (e.g. a transaction field).
    check_integer(in);
    return 0;
}
