#include "modules/log_args.hpp"

namespace tokensync::modules {

bool has_signature(const DecodedLog& log, std::string_view signature, std::size_t indexed) {
    // The name first: it rules out most events without building the signature.
    const std::string_view name = signature.substr(0, signature.find('('));
    return log.event != nullptr && log.event->name == name && !log.event->anonymous &&
           log.event->indexed_count() == indexed && log.raw.topics.size() == indexed + 1 &&
           log.event->signature() == signature;
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
