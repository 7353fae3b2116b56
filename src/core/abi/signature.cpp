#include "core/abi/signature.hpp"

#include <algorithm>

namespace tokensync::core::abi {
namespace {

std::string canonical_signature(const std::string& name, const std::vector<Param>& params) {
    std::string out = name + "(";
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i != 0) out += ',';
        out += params[i].type.canonical();
    }
    return out + ")";
}

}  // namespace

std::string Event::signature() const { return canonical_signature(name, inputs); }

Hash32 Event::topic0() const { return keccak256(std::string_view{signature()}); }

std::size_t Event::indexed_count() const noexcept {
    return static_cast<std::size_t>(std::ranges::count_if(inputs, [](const Param& p) { return p.indexed; }));
}

std::string Function::signature() const { return canonical_signature(name, inputs); }

ByteArray<4> Function::selector() const {
    Hash32 h = keccak256(std::string_view{signature()});
    return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

std::vector<Type> types_of(const std::vector<Param>& params) {
    std::vector<Type> out;
    out.reserve(params.size());
    for (const auto& p : params)
        out.push_back(p.type);
    return out;
}

}  // namespace tokensync::core::abi
