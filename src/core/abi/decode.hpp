#pragma once

#include <expected>
#include <span>
#include <vector>

#include "core/abi/error.hpp"
#include "core/abi/signature.hpp"
#include "core/abi/type.hpp"
#include "core/abi/value.hpp"
#include "core/bytes.hpp"
#include "core/hash.hpp"

namespace tokensync::core::abi {

// Decodes enc((v1..vk)) for the tuple (t1..tk). Every offset and length is
// bounds-checked; trailing bytes after the encoding are ignored, as Solidity
// does. The types must have passed validate() (parse_* and the JSON reader
// ensure it).
std::expected<std::vector<Value>, DecodeError> decode(std::span<const Type> types, ByteView data);

// Return data of a call to fn.
std::expected<std::vector<Value>, DecodeError> decode_return(const Function& fn, ByteView data);

// Call data (selector + arguments) of fn; kBadSelector if the selector differs.
std::expected<std::vector<Value>, DecodeError> decode_call(const Function& fn, ByteView calldata);

// One value per event input, in declaration order. Indexed value types come
// from their topic; indexed strings, bytes, arrays and tuples as TopicHash.
std::expected<std::vector<Value>, DecodeError> decode_log(const Event& event, std::span<const Hash32> topics,
                                                          ByteView data);

// What decoding many logs of one event needs, worked out once: its topic0
// (a keccak-256 of the signature) and the types of its data part.
struct LogLayout {
    explicit LogLayout(const Event& event);

    Hash32 topic0;
    std::vector<Type> data_types;
};

// decode_log with the layout computed beforehand (for an indexer's hot path).
std::expected<std::vector<Value>, DecodeError> decode_log(const Event& event, const LogLayout& layout,
                                                          std::span<const Hash32> topics, ByteView data);

// True for types whose indexed topic is the value itself rather than a hash.
bool is_topic_value_type(const Type& type) noexcept;

}  // namespace tokensync::core::abi
