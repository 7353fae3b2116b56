#include "core/abi/artifact.hpp"

#include <boost/json.hpp>

#include "core/abi/parse.hpp"
#include "core/hex.hpp"

namespace tokensync::core::abi {
namespace {

using Unexpected = std::unexpected<SignatureError>;
namespace json = boost::json;

const json::string* string_field(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v == nullptr ? nullptr : v->if_string();
}

std::expected<std::vector<Param>, SignatureError> params_of(const json::value* list, bool allow_indexed,
                                                            std::size_t depth);

// A "type" field; "tuple", "tuple[]", "tuple[2][]" take their members from
// "components".
std::expected<Type, SignatureError> type_of(const json::object& entry, std::size_t depth) {
    if (depth > kMaxTypeDepth) return Unexpected(SignatureError::kTooDeep);
    const auto* text = string_field(entry, "type");
    if (text == nullptr) return Unexpected(SignatureError::kBadJsonEntry);
    std::string_view t{text->data(), text->size()};
    if (!t.starts_with("tuple")) return parse_type(t);

    const auto* components = entry.if_contains("components");
    if (components == nullptr) return Unexpected(SignatureError::kBadJsonEntry);
    auto members = params_of(components, false, depth + 1);
    if (!members) return Unexpected(members.error());
    std::string canonical = "(";
    for (std::size_t i = 0; i < members->size(); ++i) {
        if (i != 0) canonical += ',';
        canonical += (*members)[i].type.canonical();
    }
    // Re-parse "(members)" + the array suffix, so suffix rules and limits
    // are those of parse_type; then restore the member names.
    auto parsed = parse_type(canonical + ")" + std::string{t.substr(5)});
    if (!parsed) return parsed;
    std::vector<Type> types;
    std::vector<std::string> names;
    for (auto& m : *members) {
        types.push_back(std::move(m.type));
        names.push_back(std::move(m.name));
    }
    Type named = Type::tuple(std::move(types), std::move(names));
    // Rebuild the array layers found by the parser around the named tuple.
    std::vector<uint64_t> dims;  // innermost first; 0 = dynamic
    const Type* layer = &*parsed;
    while (layer->kind() == Kind::kArray || layer->kind() == Kind::kFixedArray) {
        dims.push_back(layer->kind() == Kind::kArray ? 0 : layer->size());
        layer = &layer->element();
    }
    for (auto it = dims.rbegin(); it != dims.rend(); ++it) {
        named = *it == 0 ? Type::array(std::move(named)) : Type::fixed_array(std::move(named), *it);
    }
    return named;
}

std::expected<std::vector<Param>, SignatureError> params_of(const json::value* list, bool allow_indexed,
                                                            std::size_t depth) {
    std::vector<Param> out;
    if (list == nullptr) return out;
    const auto* arr = list->if_array();
    if (arr == nullptr) return Unexpected(SignatureError::kBadJsonEntry);
    for (const auto& item : *arr) {
        const auto* obj = item.if_object();
        if (obj == nullptr) return Unexpected(SignatureError::kBadJsonEntry);
        auto type = type_of(*obj, depth);
        if (!type) return Unexpected(type.error());
        Param p{.name = {}, .type = std::move(*type), .indexed = false};
        if (const auto* name = string_field(*obj, "name")) p.name = std::string{name->data(), name->size()};
        if (const auto* indexed = obj->if_contains("indexed"); indexed != nullptr && allow_indexed) {
            if (!indexed->is_bool()) return Unexpected(SignatureError::kBadJsonEntry);
            p.indexed = indexed->get_bool();
        }
        out.push_back(std::move(p));
    }
    return out;
}

std::expected<void, SignatureError> add_entry(const json::value& value, Abi& abi) {
    const auto* entry = value.if_object();
    if (entry == nullptr) return Unexpected(SignatureError::kBadJsonEntry);
    const auto* kind = string_field(*entry, "type");
    std::string_view k = kind == nullptr ? "function" : std::string_view{kind->data(), kind->size()};
    if (k != "function" && k != "event") return {};
    const auto* name = string_field(*entry, "name");
    if (name == nullptr || name->empty()) return Unexpected(SignatureError::kBadJsonEntry);
    auto inputs = params_of(entry->if_contains("inputs"), k == "event", 0);
    if (!inputs) return Unexpected(inputs.error());
    if (k == "event") {
        Event ev{.name = std::string{name->data(), name->size()}, .inputs = std::move(*inputs), .anonymous = false};
        if (const auto* anon = entry->if_contains("anonymous"); anon != nullptr) {
            if (!anon->is_bool()) return Unexpected(SignatureError::kBadJsonEntry);
            ev.anonymous = anon->get_bool();
        }
        if (ev.indexed_count() > (ev.anonymous ? 4U : 3U)) return Unexpected(SignatureError::kTooManyIndexed);
        abi.events.push_back(std::move(ev));
        return {};
    }
    auto outputs = params_of(entry->if_contains("outputs"), false, 0);
    if (!outputs) return Unexpected(outputs.error());
    Function fn{.name = std::string{name->data(), name->size()},
                .inputs = std::move(*inputs),
                .outputs = std::move(*outputs),
                .state_mutability = {}};
    if (const auto* m = string_field(*entry, "stateMutability"))
        fn.state_mutability = std::string{m->data(), m->size()};
    abi.functions.push_back(std::move(fn));
    return {};
}

std::expected<Bytes, SignatureError> bytecode_of(const json::object& doc) {
    const auto* field = doc.if_contains("bytecode");
    if (field == nullptr) return Bytes{};
    const json::string* text = field->if_string();
    if (const auto* obj = field->if_object()) text = string_field(*obj, "object");
    if (text == nullptr) return Unexpected(SignatureError::kBadJsonEntry);
    auto bytes = from_hex(std::string_view{text->data(), text->size()});
    if (!bytes) return Unexpected(SignatureError::kBadJsonEntry);
    return std::move(*bytes);
}

}  // namespace

const Function* Abi::function(std::string_view name) const noexcept {
    for (const auto& f : functions) {
        if (f.name == name) return &f;
    }
    return nullptr;
}

const Event* Abi::event(std::string_view name) const noexcept {
    for (const auto& e : events) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

const Event* Abi::event_by_topic0(const Hash32& topic0) const {
    for (const auto& e : events) {
        if (!e.anonymous && e.topic0() == topic0) return &e;
    }
    return nullptr;
}

std::expected<Abi, SignatureError> parse_abi_json(std::string_view text) {
    json::parse_options options;
    options.max_depth = 4 * kMaxTypeDepth + 8;  // components nest two JSON levels per tuple
    boost::system::error_code ec;
    json::value doc = json::parse(text, ec, {}, options);
    if (ec) return Unexpected(SignatureError::kBadJson);

    Abi abi;
    const json::array* entries = doc.if_array();
    if (const auto* obj = doc.if_object()) {
        const auto* field = obj->if_contains("abi");
        entries = field == nullptr ? nullptr : field->if_array();
        if (entries == nullptr) return Unexpected(SignatureError::kBadJson);
        auto bytecode = bytecode_of(*obj);
        if (!bytecode) return Unexpected(bytecode.error());
        abi.bytecode = std::move(*bytecode);
    }
    if (entries == nullptr) return Unexpected(SignatureError::kBadJson);
    for (const auto& entry : *entries) {
        if (auto r = add_entry(entry, abi); !r) return Unexpected(r.error());
    }
    return abi;
}

}  // namespace tokensync::core::abi
