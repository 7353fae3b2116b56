#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/uint256.hpp"

namespace tokensync::core::abi {

struct Value;

// intN, held in two's complement (Uint256::to_signed_decimal reads it).
struct Int {
    Uint256 value;
    friend bool operator==(const Int&, const Int&) = default;
};
// bytesN: exactly N bytes.
struct FixedBytes {
    Bytes bytes;
    friend bool operator==(const FixedBytes&, const FixedBytes&) = default;
};
// T[] and T[k].
struct Array {
    std::vector<Value> items;
    friend bool operator==(const Array&, const Array&) = default;
};
struct Tuple {
    std::vector<Value> items;
    friend bool operator==(const Tuple&, const Tuple&) = default;
};
// An indexed event parameter of a dynamic type (string, bytes, array, tuple):
// the log holds only keccak256 of its encoding, so the value is unrecoverable.
struct TopicHash {
    Hash32 hash;
    friend bool operator==(const TopicHash&, const TopicHash&) = default;
};

// A decoded (or to-be-encoded) ABI value. uintN is a Uint256, string holds raw
// bytes (not checked to be UTF-8), bytes is Bytes.
struct Value {
    using Data = std::variant<bool, Address, Uint256, Int, FixedBytes, Bytes, std::string, Array, Tuple, TopicHash>;
    Data data;

    template <typename T>
    const T* get_if() const noexcept {
        return std::get_if<T>(&data);
    }
    friend bool operator==(const Value&, const Value&) = default;
};

}  // namespace tokensync::core::abi
