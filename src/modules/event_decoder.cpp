#include "modules/event_decoder.hpp"

namespace tokensync::modules {

EventDecoder::EventDecoder(std::vector<core::abi::Event> events) : events_{std::move(events)} {
    layouts_.reserve(events_.size());
    for (std::size_t i = 0; i < events_.size(); ++i) {
        layouts_.emplace_back(events_[i]);
        if (!events_[i].anonymous) by_topic0_.emplace_back(layouts_.back().topic0, i);
    }
}

std::expected<DecodedLog, ModuleError> EventDecoder::decode(const store::RawEvent& raw, int64_t block_timestamp,
                                                            std::string_view contract_name) const {
    DecodedLog log{.raw = raw,
                   .event = nullptr,
                   .args = {},
                   .block_timestamp = block_timestamp,
                   .contract_name = std::string(contract_name)};
    if (auto decoded = decode_into(log); !decoded) return std::unexpected(decoded.error());
    return log;
}

std::expected<void, ModuleError> EventDecoder::decode_into(DecodedLog& log) const {
    const store::RawEvent& raw = log.raw;
    if (raw.topics.empty()) return std::unexpected(ModuleError::kUnknownEvent);
    bool topic0_known = false;
    for (const auto& [topic0, index] : by_topic0_) {
        if (topic0 != raw.topics[0]) continue;
        topic0_known = true;
        const core::abi::Event& event = events_[index];
        if (event.indexed_count() + 1 != raw.topics.size()) continue;
        auto args = core::abi::decode_log(event, layouts_[index], raw.topics, raw.data);
        if (!args) continue;
        log.event = &event;
        log.args = std::move(*args);
        return {};
    }
    return std::unexpected(topic0_known ? ModuleError::kUndecodable : ModuleError::kUnknownEvent);
}

}  // namespace tokensync::modules
