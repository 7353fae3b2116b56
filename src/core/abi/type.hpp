#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi/error.hpp"

namespace tokensync::core::abi {

// Limits that keep hostile signatures and ABI JSON from exhausting the stack
// or overflowing size arithmetic; real contracts stay far below them.
inline constexpr std::size_t kMaxTypeDepth = 32;
inline constexpr uint64_t kMaxStaticSize = uint64_t{1} << 32;

enum class Kind { kUint, kInt, kAddress, kBool, kFixedBytes, kBytes, kString, kArray, kFixedArray, kTuple };

// A Solidity ABI type. Arrays hold their element as the single child; tuples
// hold their components (with optional names, kept for JSON and rendering).
class Type {
  public:
    static Type uint(unsigned bits = 256) { return Type{Kind::kUint, bits}; }
    static Type sint(unsigned bits = 256) { return Type{Kind::kInt, bits}; }
    static Type address() { return Type{Kind::kAddress, 0}; }
    static Type boolean() { return Type{Kind::kBool, 0}; }
    static Type fixed_bytes(unsigned size) { return Type{Kind::kFixedBytes, size}; }
    static Type bytes() { return Type{Kind::kBytes, 0}; }
    static Type string() { return Type{Kind::kString, 0}; }
    static Type array(Type element);
    static Type fixed_array(Type element, uint64_t length);
    static Type tuple(std::vector<Type> components, std::vector<std::string> names = {});

    Kind kind() const noexcept { return kind_; }
    // Bits of uintN/intN, N of bytesN, k of T[k]; 0 otherwise.
    uint64_t size() const noexcept { return size_; }
    const Type& element() const noexcept { return children_.front(); }
    const std::vector<Type>& components() const noexcept { return children_; }
    // One entry per component; "" when unnamed. Empty for non-tuples.
    const std::vector<std::string>& names() const noexcept { return names_; }

    // "uint256", "(address,bytes32)[]": the form hashed into selectors.
    std::string canonical() const;
    bool is_dynamic() const noexcept;
    // Bytes this type takes in the head of an enclosing tuple.
    uint64_t head_size() const noexcept;
    // Bytes of the in-place encoding of a static type (= head_size()).
    uint64_t static_size() const noexcept;

    friend bool operator==(const Type&, const Type&) = default;

  private:
    Type(Kind kind, uint64_t size) : kind_{kind}, size_{size} {}

    Kind kind_;
    uint64_t size_;
    std::vector<Type> children_;
    std::vector<std::string> names_;
};

// Checks the limits (depth, static size, widths) of a type built in code.
std::expected<void, SignatureError> validate(const Type& type);

}  // namespace tokensync::core::abi
