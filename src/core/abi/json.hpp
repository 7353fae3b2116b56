#pragma once

#include <span>
#include <string>

#include "core/abi/signature.hpp"
#include "core/abi/value.hpp"

namespace tokensync::core::abi {

// JSON text of a decoded value: numbers as decimal strings (they exceed what
// JSON numbers hold exactly), addresses EIP-55, bytes and topic hashes as
// 0x-hex, bools as JSON booleans, arrays and tuples as JSON arrays. Strings
// that are not valid UTF-8 get U+FFFD for each bad byte.
std::string to_json(const Value& value);

// An object keyed by parameter name ("arg<i>" for unnamed ones).
std::string to_json(std::span<const Param> params, std::span<const Value> values);

}  // namespace tokensync::core::abi
