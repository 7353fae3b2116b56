// ABI decoding of untrusted return data and call data (core/abi/decode.hpp),
// with the type parser on the way.
//
// Input: a type on the first line ("(uint256,string)", "address[]"), then
// the data. A tuple stands for its components, as in a function's outputs.
//
// Properties: decoding either fails with a DecodeError or yields one value
// per type that fits its type; those values encode, and the encoding decodes
// to the same values (the encoding is canonical, the input need not be);
// bytes appended after the data change nothing (trailing bytes are ignored).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "fuzz_support.hpp"

namespace abi = tokensync::core::abi;
using tokensync::core::Bytes;
using tokensync::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const auto [text, payload] = tokensync::fuzz::split_line({data, size});
    const auto type = abi::parse_type(text);
    if (!type) return 0;
    const std::vector<abi::Type> types =
        type->kind() == abi::Kind::kTuple ? type->components() : std::vector<abi::Type>{*type};

    const auto values = abi::decode(types, payload);
    if (!values) return 0;
    require(values->size() == types.size(), "one decoded value per type");
    for (std::size_t i = 0; i < types.size(); ++i)
        require(abi::check(types[i], (*values)[i]).has_value(), "a decoded value fits its type");

    const auto encoded = abi::encode(types, *values);
    require(encoded.has_value(), "decoded values encode");
    const auto again = abi::decode(types, *encoded);
    require(again.has_value() && *again == *values, "decode(encode(values)) == values");

    Bytes longer(payload.begin(), payload.end());
    longer.resize(longer.size() + 64, 0xa5);
    const auto with_tail = abi::decode(types, longer);
    require(with_tail.has_value() && *with_tail == *values, "trailing bytes are ignored");
    return 0;
}
