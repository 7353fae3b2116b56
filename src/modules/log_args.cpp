#include "modules/log_args.hpp"

namespace tokensync::modules {

EventSignature::EventSignature(std::string_view signature, std::size_t indexed_count)
    : name{signature.substr(0, signature.find('('))}, topic0{core::keccak256(signature)}, indexed{indexed_count} {}

bool has_signature(const DecodedLog& log, const EventSignature& event) {
    // The decoder matched log.event by this same topic0; the event is checked
    // too because a DecodedLog can be built by hand.
    return log.event != nullptr && log.event->name == event.name && !log.event->anonymous &&
           log.event->indexed_count() == event.indexed && log.raw.topics.size() == event.indexed + 1 &&
           log.raw.topics[0] == event.topic0;
}

std::optional<core::Address> address_arg(const DecodedLog& log, std::size_t i) {
    if (i >= log.args.size()) return std::nullopt;
    const auto* v = log.args[i].get_if<core::Address>();
    if (v == nullptr) return std::nullopt;
    return *v;
}

std::optional<core::Uint256> uint_arg(const DecodedLog& log, std::size_t i) {
    if (i >= log.args.size()) return std::nullopt;
    const auto* v = log.args[i].get_if<core::Uint256>();
    if (v == nullptr) return std::nullopt;
    return *v;
}

std::optional<std::vector<core::Uint256>> uint_array_arg(const DecodedLog& log, std::size_t i) {
    if (i >= log.args.size()) return std::nullopt;
    const auto* array = log.args[i].get_if<core::abi::Array>();
    if (array == nullptr) return std::nullopt;
    std::vector<core::Uint256> out;
    out.reserve(array->items.size());
    for (const core::abi::Value& item : array->items) {
        const auto* v = item.get_if<core::Uint256>();
        if (v == nullptr) return std::nullopt;
        out.push_back(*v);
    }
    return out;
}

}  // namespace tokensync::modules
