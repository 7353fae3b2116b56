#pragma once

// Test helpers: raw logs built by encoding with core::abi, as a node would
// deliver them, then decoded through the real EventDecoder.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "modules/event_decoder.hpp"

namespace tokensync::modules::test_logs {

inline core::abi::Event event(std::string_view signature) {
    auto e = core::abi::parse_event(signature);
    if (!e) throw std::runtime_error("bad test signature: " + std::string(signature));
    return *e;
}

inline core::Hash32 tag_hash(uint8_t tag, uint64_t n) {
    core::Hash32 h;
    h.bytes[0] = tag;
    for (int i = 0; i < 8; ++i)
        h.bytes[31 - i] = static_cast<uint8_t>(n >> (8 * i));
    return h;
}

inline core::Address address(uint8_t n) {
    core::ByteArray<20> b{};
    b[0] = 0xa0;
    b[19] = n;
    return core::Address(b);
}

inline core::abi::Value v(const core::Address& a) { return {a}; }
inline core::abi::Value v(const core::Uint256& u) { return {u}; }
inline core::abi::Value v(uint64_t u) { return {core::Uint256{u}}; }
inline core::abi::Value uints(const std::vector<uint64_t>& items) {
    core::abi::Array a;
    for (uint64_t i : items)
        a.items.push_back(v(i));
    return {a};
}

// The log `event` with `values` would emit: indexed value types as topics,
// the rest ABI-encoded in data.
inline store::RawEvent raw_log(const core::abi::Event& e, const std::vector<core::abi::Value>& values,
                               uint64_t block = 10, uint64_t log_index = 0) {
    store::RawEvent raw;
    raw.tx_hash = tag_hash(0x7a, block);
    raw.log_index = log_index;
    raw.block_number = block;
    raw.block_hash = tag_hash(0xb1, block);
    raw.contract = address(1);
    raw.topics.push_back(e.topic0());
    std::vector<core::abi::Type> data_types;
    std::vector<core::abi::Value> data_values;
    for (std::size_t i = 0; i < e.inputs.size(); ++i) {
        if (e.inputs[i].indexed) {
            auto word = core::abi::encode_one(e.inputs[i].type, values.at(i));
            if (!word || word->size() != 32) throw std::runtime_error("cannot encode topic");
            core::Hash32 topic;
            std::copy(word->begin(), word->end(), topic.bytes.begin());
            raw.topics.push_back(topic);
        } else {
            data_types.push_back(e.inputs[i].type);
            data_values.push_back(values.at(i));
        }
    }
    auto data = core::abi::encode(data_types, data_values);
    if (!data) throw std::runtime_error("cannot encode data");
    raw.data = *data;
    return raw;
}

inline DecodedLog decoded(const EventDecoder& decoder, const store::RawEvent& raw, int64_t timestamp = 1'700'000'010) {
    auto log = decoder.decode(raw, timestamp, "nft");
    if (!log) throw std::runtime_error("test log does not decode: " + std::string(to_string(log.error())));
    return *log;
}

}  // namespace tokensync::modules::test_logs
