#include "core/abi/parse.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tokensync::core::abi {
namespace {

using Unexpected = std::unexpected<SignatureError>;

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Reads a decimal width such as the "256" of "uint256"; nullopt if s is not
// all digits, has a leading zero, or is absurdly long.
std::optional<uint64_t> parse_width(std::string_view s) {
    if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    return v;
}

std::expected<Type, SignatureError> elementary(std::string_view name) {
    if (name == "address") return Type::address();
    if (name == "bool") return Type::boolean();
    if (name == "string") return Type::string();
    if (name == "bytes") return Type::bytes();
    if (name == "uint") return Type::uint(256);
    if (name == "int") return Type::sint(256);
    auto sized = [&](std::string_view prefix, auto make) -> std::optional<std::expected<Type, SignatureError>> {
        if (!name.starts_with(prefix)) return std::nullopt;
        auto digits = name.substr(prefix.size());
        auto width = parse_width(digits);
        if (!width) {
            if (!digits.empty() && is_digit(digits[0])) return Unexpected(SignatureError::kBadWidth);
            return std::nullopt;
        }
        return make(static_cast<unsigned>(*width));
    };
    if (auto t = sized("uint", [](unsigned w) { return Type::uint(w); })) return *t;
    if (auto t = sized("int", [](unsigned w) { return Type::sint(w); })) return *t;
    if (auto t = sized("bytes", [](unsigned w) { return Type::fixed_bytes(w); })) return *t;
    return Unexpected(SignatureError::kUnknownType);
}

// Keywords that may follow a parameter's type and are not its name.
bool is_param_keyword(std::string_view w) {
    return w == "indexed" || w == "memory" || w == "calldata" || w == "storage" || w == "payable";
}

class Parser {
  public:
    explicit Parser(std::string_view text) : text_{text} {}

    void skip_space() {
        while (pos_ < text_.size() && is_space(text_[pos_]))
            ++pos_;
    }
    bool at_end() {
        skip_space();
        return pos_ >= text_.size();
    }
    bool consume(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    char peek() {
        skip_space();
        return pos_ < text_.size() ? text_[pos_] : '\0';
    }
    std::string_view peek_word() {
        skip_space();
        std::size_t end = pos_;
        if (end < text_.size() && is_ident_start(text_[end])) {
            while (end < text_.size() && is_ident_char(text_[end]))
                ++end;
        }
        return text_.substr(pos_, end - pos_);
    }
    std::string_view word() {
        auto w = peek_word();
        pos_ += w.size();
        return w;
    }

    // type := ("tuple"? "(" components ")" | elementary) ("[" digits? "]")*
    std::expected<Type, SignatureError> type(std::size_t depth) {
        if (depth > kMaxTypeDepth) return Unexpected(SignatureError::kTooDeep);
        Type base = Type::boolean();
        if (peek_word() == "tuple") word();
        if (peek() == '(') {
            auto params = param_list(depth + 1, false);
            if (!params) return Unexpected(params.error());
            std::vector<Type> types;
            std::vector<std::string> names;
            for (auto& p : *params) {
                types.push_back(std::move(p.type));
                names.push_back(std::move(p.name));
            }
            base = Type::tuple(std::move(types), std::move(names));
        } else {
            auto w = word();
            if (w.empty()) return Unexpected(SignatureError::kSyntax);
            auto t = elementary(w);
            if (!t) return t;
            base = std::move(*t);
            if (w == "address" && peek_word() == "payable") word();
        }
        std::size_t dims = 0;
        while (consume('[')) {
            if (++dims + depth > kMaxTypeDepth) return Unexpected(SignatureError::kTooDeep);
            skip_space();
            std::size_t start = pos_;
            while (pos_ < text_.size() && is_digit(text_[pos_]))
                ++pos_;
            auto digits = text_.substr(start, pos_ - start);
            if (!consume(']')) return Unexpected(SignatureError::kSyntax);
            if (digits.empty()) {
                base = Type::array(std::move(base));
            } else {
                auto n = parse_width(digits);
                if (!n) return Unexpected(digits.size() > 9 ? SignatureError::kTooLarge : SignatureError::kSyntax);
                base = Type::fixed_array(std::move(base), *n);
            }
        }
        return base;
    }

    // param := type keyword* name?
    std::expected<Param, SignatureError> param(std::size_t depth, bool allow_indexed) {
        auto t = type(depth);
        if (!t) return Unexpected(t.error());
        Param p{.name = {}, .type = std::move(*t), .indexed = false};
        for (;;) {
            auto w = peek_word();
            if (w.empty()) break;
            if (is_param_keyword(w)) {
                if (w == "indexed") {
                    if (!allow_indexed || p.indexed) return Unexpected(SignatureError::kSyntax);
                    p.indexed = true;
                }
                word();
                continue;
            }
            if (!p.name.empty()) return Unexpected(SignatureError::kSyntax);
            p.name = std::string{word()};
        }
        return p;
    }

    // "(" (param ("," param)*)? ")"
    std::expected<std::vector<Param>, SignatureError> param_list(std::size_t depth, bool allow_indexed) {
        if (!consume('(')) return Unexpected(SignatureError::kSyntax);
        std::vector<Param> out;
        if (consume(')')) return out;
        for (;;) {
            auto p = param(depth, allow_indexed);
            if (!p) return Unexpected(p.error());
            out.push_back(std::move(*p));
            if (consume(')')) return out;
            if (!consume(',')) return Unexpected(SignatureError::kSyntax);
        }
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::expected<void, SignatureError> validate_params(const std::vector<Param>& params) {
    for (const auto& p : params) {
        if (auto r = validate(p.type); !r) return r;
    }
    return {};
}

bool is_kind_keyword(std::string_view w) {
    return w == "function" || w == "event" || w == "error" || w == "constructor";
}

// Reads "[keyword] name(params)"; the keyword, when present, must be `keyword`.
// A keyword is never a name (Solidity reserves them): "event function(...)"
// would print as "function(...)", which reads back as a function.
std::expected<std::pair<std::string, std::vector<Param>>, SignatureError> head(Parser& parser,
                                                                               std::string_view keyword) {
    if (parser.at_end()) return Unexpected(SignatureError::kEmpty);
    auto name = parser.word();
    if (is_kind_keyword(name)) {
        if (name != keyword) return Unexpected(SignatureError::kWrongKind);
        name = parser.word();
        if (is_kind_keyword(name)) return Unexpected(SignatureError::kSyntax);
    }
    if (name.empty()) return Unexpected(SignatureError::kSyntax);
    auto params = parser.param_list(0, keyword == "event");
    if (!params) return Unexpected(params.error());
    return std::pair{std::string{name}, std::move(*params)};
}

}  // namespace

std::expected<Type, SignatureError> parse_type(std::string_view text) {
    Parser parser{text};
    if (parser.at_end()) return Unexpected(SignatureError::kEmpty);
    auto t = parser.type(0);
    if (!t) return t;
    if (!parser.at_end()) return Unexpected(SignatureError::kSyntax);
    if (auto r = validate(*t); !r) return Unexpected(r.error());
    return t;
}

std::expected<Event, SignatureError> parse_event(std::string_view text) {
    Parser parser{text};
    auto h = head(parser, "event");
    if (!h) return Unexpected(h.error());
    Event ev{.name = std::move(h->first), .inputs = std::move(h->second), .anonymous = false};
    if (parser.peek_word() == "anonymous") {
        parser.word();
        ev.anonymous = true;
    }
    if (parser.peek_word() == "returns") return Unexpected(SignatureError::kWrongKind);
    if (!parser.at_end()) return Unexpected(SignatureError::kSyntax);
    if (auto r = validate_params(ev.inputs); !r) return Unexpected(r.error());
    if (ev.indexed_count() > (ev.anonymous ? 4U : 3U)) return Unexpected(SignatureError::kTooManyIndexed);
    return ev;
}

std::expected<Function, SignatureError> parse_function(std::string_view text) {
    Parser parser{text};
    auto h = head(parser, "function");
    if (!h) return Unexpected(h.error());
    Function fn{.name = std::move(h->first), .inputs = std::move(h->second), .outputs = {}, .state_mutability = {}};
    static constexpr std::array<std::string_view, 6> kVisibility{"external", "public",  "internal",
                                                                 "private",  "virtual", "override"};
    static constexpr std::array<std::string_view, 4> kMutability{"view", "pure", "payable", "nonpayable"};
    for (;;) {
        auto w = parser.peek_word();
        if (w.empty()) break;
        parser.word();
        if (std::ranges::find(kVisibility, w) != kVisibility.end()) continue;
        if (std::ranges::find(kMutability, w) != kMutability.end()) {
            fn.state_mutability = std::string{w};
            continue;
        }
        if (w == "returns") {
            auto outs = parser.param_list(0, false);
            if (!outs) return Unexpected(outs.error());
            fn.outputs = std::move(*outs);
            continue;
        }
        if (w == "anonymous") return Unexpected(SignatureError::kWrongKind);
        return Unexpected(SignatureError::kSyntax);
    }
    if (!parser.at_end()) return Unexpected(SignatureError::kSyntax);
    if (auto r = validate_params(fn.inputs); !r) return Unexpected(r.error());
    if (auto r = validate_params(fn.outputs); !r) return Unexpected(r.error());
    return fn;
}

}  // namespace tokensync::core::abi
