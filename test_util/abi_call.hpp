#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/abi/signature.hpp"
#include "core/abi/value.hpp"
#include "core/bytes.hpp"

namespace tokensync::test_util {

// Tests speak to contracts in signatures and typed-in arguments, the way a
// person uses `cast`; these throw std::runtime_error naming the signature on
// any parse, encode or decode failure.
core::abi::Function function(std::string_view signature);
core::abi::Event event(std::string_view signature);
core::Bytes calldata(std::string_view signature, const std::vector<std::string>& args = {});
std::vector<core::abi::Value> decode_return(std::string_view signature, core::ByteView data);

}  // namespace tokensync::test_util
