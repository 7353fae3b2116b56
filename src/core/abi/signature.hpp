#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/abi/type.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"

namespace tokensync::core::abi {

struct Param {
    std::string name;  // "" when unnamed
    Type type;
    bool indexed = false;  // events only

    friend bool operator==(const Param&, const Param&) = default;
};

struct Event {
    std::string name;
    std::vector<Param> inputs;
    bool anonymous = false;

    // "Transfer(address,address,uint256)"
    std::string signature() const;
    // keccak256 of the signature; anonymous events have no topic0 but the
    // hash is still defined.
    Hash32 topic0() const;
    std::size_t indexed_count() const noexcept;

    friend bool operator==(const Event&, const Event&) = default;
};

struct Function {
    std::string name;
    std::vector<Param> inputs;
    std::vector<Param> outputs;
    std::string state_mutability;  // "view", "pure", "payable", "nonpayable" or ""

    std::string signature() const;
    ByteArray<4> selector() const;

    friend bool operator==(const Function&, const Function&) = default;
};

std::vector<Type> types_of(const std::vector<Param>& params);

}  // namespace tokensync::core::abi
