#pragma once

#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi/error.hpp"
#include "core/abi/type.hpp"
#include "core/abi/value.hpp"

namespace tokensync::core::abi {

// Reads a value typed by a user on a command line, the way `cast calldata`
// accepts it: addresses (0x optional, checksum not enforced), decimal or 0x
// integers (a leading '-' for intN), true/false, 0x bytes (bytesN exactly N),
// raw strings (surrounding double quotes removed), arrays "[1,2]" and tuples
// "(1,0xab)" with items separated by commas; inside them strings may be
// double-quoted (\" and \\ escapes) or bare (trimmed).
std::expected<Value, ArgError> parse_arg(const Type& type, std::string_view text);

// One argument per type.
std::expected<std::vector<Value>, ArgError> parse_args(std::span<const Type> types, std::span<const std::string> texts);

}  // namespace tokensync::core::abi
