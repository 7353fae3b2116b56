// ABI decoding of untrusted event logs (core/abi/decode.hpp: decode_log and
// the LogLayout fast path), with the event signature parser on the way.
//
// Input: an event signature on the first line, then one control byte (low 3
// bits: number of topics, at most 4; bit 7: replace topics[0] with the
// event's topic0 so the fuzzer need not guess a keccak hash), the topics (32
// bytes each), then the log's data.
//
// Properties: decode_log with and without a precomputed LogLayout agree,
// error for error; on success there is one value per input, each indexed
// value-type input encodes to its topic, each indexed dynamic input is the
// topic as a TopicHash, all topics are used, and the data part re-encodes to
// bytes that decode to the same values.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/abi/decode.hpp"
#include "core/abi/encode.hpp"
#include "core/abi/parse.hpp"
#include "fuzz_support.hpp"

namespace abi = tokensync::core::abi;
using tokensync::core::Hash32;
using tokensync::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const auto [text, rest] = tokensync::fuzz::split_line({data, size});
    const auto event = abi::parse_event(text);
    if (!event) return 0;
    const abi::LogLayout layout(*event);
    require(layout.topic0 == event->topic0(), "the layout's topic0 is the event's");

    auto [control, body] = tokensync::fuzz::take_byte(rest);
    const std::size_t topic_count = std::min<std::size_t>({control & 7u, 4, body.size() / 32});
    std::vector<Hash32> topics(topic_count);
    for (auto& topic : topics) {
        std::memcpy(topic.bytes.data(), body.data(), 32);
        body = body.subspan(32);
    }
    if ((control & 0x80) != 0 && !topics.empty()) topics[0] = layout.topic0;

    const auto slow = abi::decode_log(*event, topics, body);
    const auto fast = abi::decode_log(*event, layout, topics, body);
    require(slow == fast, "decode_log with and without LogLayout agree");
    if (!fast) return 0;
    const auto& values = *fast;
    require(values.size() == event->inputs.size(), "one value per event input");

    std::size_t topic = event->anonymous ? 0 : 1;
    std::vector<abi::Value> data_values;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& input = event->inputs[i];
        if (!input.indexed) {
            data_values.push_back(values[i]);
            continue;
        }
        require(topic < topics.size(), "an indexed input has a topic");
        if (abi::is_topic_value_type(input.type)) {
            const auto word = abi::encode_one(input.type, values[i]);
            require(word.has_value() && word->size() == 32 &&
                        std::equal(word->begin(), word->end(), topics[topic].bytes.begin()),
                    "an indexed value type encodes to its topic");
        } else {
            const auto* hash = values[i].get_if<abi::TopicHash>();
            require(hash != nullptr && hash->hash == topics[topic], "an indexed dynamic input is its topic hash");
        }
        ++topic;
    }
    require(topic == topics.size(), "every topic is used");

    require(data_values.size() == layout.data_types.size(), "one data value per data type");
    const auto encoded = abi::encode(layout.data_types, data_values);
    require(encoded.has_value(), "the data values encode");
    const auto again = abi::decode(layout.data_types, *encoded);
    require(again.has_value() && *again == data_values, "the data part round-trips");
    return 0;
}
