#pragma once

#include <optional>
#include <string_view>

#include "core/address.hpp"
#include "core/hash.hpp"
#include "core/uint256.hpp"
#include "modules/module.hpp"

namespace tokensync::modules {

// Typed access to a decoded log's arguments for the modules, which accept an
// event by its signature and then still check each argument's type: a
// DecodedLog can be built by hand, so nothing about it is trusted.
//
// An event is matched by name, indexed-parameter count and topic0, which is
// computed once per EventSignature: modules keep theirs in statics, since
// every log of a backfill goes through this test.
struct EventSignature {
    EventSignature(std::string_view signature, std::size_t indexed);

    std::string_view name;  // the part of the signature before '('
    core::Hash32 topic0;
    std::size_t indexed;
};
bool has_signature(const DecodedLog& log, const EventSignature& event);
std::optional<core::Address> address_arg(const DecodedLog& log, std::size_t i);
std::optional<core::Uint256> uint_arg(const DecodedLog& log, std::size_t i);
// uint256[] as its items; nullopt if any item is not a uint.
std::optional<std::vector<core::Uint256>> uint_array_arg(const DecodedLog& log, std::size_t i);

}  // namespace tokensync::modules
