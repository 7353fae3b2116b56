#pragma once

#include <expected>
#include <string_view>

#include "core/abi/error.hpp"
#include "core/abi/signature.hpp"
#include "core/abi/type.hpp"

namespace tokensync::core::abi {

// A type as written in a signature or an ABI JSON "type" field: "uint",
// "bytes32", "address[2][]", "(uint256,string)[]", "tuple(uint8 a, bool b)".
std::expected<Type, SignatureError> parse_type(std::string_view text);

// Human-readable event signatures, with or without the keyword and names:
//   "event BatchMinted(address indexed minter, uint256 quantity)"
//   "Transfer(address indexed,address indexed,uint256)", "event E(uint256) anonymous"
std::expected<Event, SignatureError> parse_event(std::string_view text);

// Human-readable function signatures:
//   "function tokenPromptAuthor(uint256) view returns (address)", "transfer(address,uint256)"
std::expected<Function, SignatureError> parse_function(std::string_view text);

}  // namespace tokensync::core::abi
