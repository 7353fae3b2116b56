#pragma once

#include <expected>
#include <string_view>
#include <vector>

#include "core/abi/error.hpp"
#include "core/abi/signature.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"

namespace tokensync::core::abi {

// The functions and events of a contract ABI, plus creation bytecode when the
// document is a compiler artifact. Constructors, errors, fallback and receive
// entries are skipped.
struct Abi {
    std::vector<Function> functions;
    std::vector<Event> events;
    Bytes bytecode;  // empty for a bare ABI array or an artifact without one

    const Function* function(std::string_view name) const noexcept;  // first with that name
    const Event* event(std::string_view name) const noexcept;        // first with that name
    const Event* event_by_topic0(const Hash32& topic0) const;        // non-anonymous only
};

// Accepts a bare ABI array, a Foundry artifact ({"abi":[..],"bytecode":{"object":"0x.."}})
// or a Hardhat one ({"abi":[..],"bytecode":"0x.."}). Tuples come from "components".
std::expected<Abi, SignatureError> parse_abi_json(std::string_view json);

}  // namespace tokensync::core::abi
