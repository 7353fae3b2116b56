#include "test_util/abi_call.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "core/abi/args.hpp"
#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/error.hpp"
#include "core/abi/parse.hpp"

namespace tokensync::test_util {
namespace abi = core::abi;

namespace {

template <typename T>
T or_throw(std::expected<T, abi::SignatureError> r, std::string_view signature) {
    if (!r) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(r.error())));
    return *std::move(r);
}

}  // namespace

abi::Function function(std::string_view signature) { return or_throw(abi::parse_function(signature), signature); }

abi::Event event(std::string_view signature) { return or_throw(abi::parse_event(signature), signature); }

core::Bytes calldata(std::string_view signature, const std::vector<std::string>& args) {
    const abi::Function fn = function(signature);
    auto values = abi::parse_args(abi::types_of(fn.inputs), args);
    if (!values) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(values.error())));
    auto data = abi::encode_call(fn, *values);
    if (!data) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(data.error())));
    return *std::move(data);
}

std::vector<abi::Value> decode_return(std::string_view signature, core::ByteView data) {
    auto values = abi::decode_return(function(signature), data);
    if (!values) throw std::runtime_error(fmt::format("{}: {}", signature, abi::to_string(values.error())));
    return *std::move(values);
}

}  // namespace tokensync::test_util
