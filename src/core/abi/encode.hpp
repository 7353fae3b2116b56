#pragma once

#include <expected>
#include <span>

#include "core/abi/error.hpp"
#include "core/abi/signature.hpp"
#include "core/abi/type.hpp"
#include "core/abi/value.hpp"
#include "core/bytes.hpp"

namespace tokensync::core::abi {

// enc((v1..vk)) for the tuple (t1..tk): heads then tails, as in the spec.
std::expected<Bytes, EncodeError> encode(std::span<const Type> types, std::span<const Value> values);

// One value, as the single member of a tuple.
std::expected<Bytes, EncodeError> encode_one(const Type& type, const Value& value);

// Selector + enc(args).
std::expected<Bytes, EncodeError> encode_call(const Function& fn, std::span<const Value> args);

// Whether a value fits a type (kind, widths, ranges and lengths), recursively.
std::expected<void, EncodeError> check(const Type& type, const Value& value);

}  // namespace tokensync::core::abi
