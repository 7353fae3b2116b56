#include "core/abi/args.hpp"

#include <utility>

#include "core/abi/encode.hpp"
#include "core/hex.hpp"

namespace tokensync::core::abi {
namespace {

using Unexpected = std::unexpected<ArgError>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_space(s.back()))
        s.remove_suffix(1);
    return s;
}

ArgError number_error(NumberError e) {
    return e == NumberError::kOverflow || e == NumberError::kTooLong ? ArgError::kOutOfRange : ArgError::kBadNumber;
}

// A value that is not an array, tuple or (nested) string, from its text.
std::expected<Value, ArgError> scalar(const Type& type, std::string_view text) {
    switch (type.kind()) {
        case Kind::kUint: {
            auto v = Uint256::parse(text);
            if (!v) return Unexpected(number_error(v.error()));
            if (v->bit_length() > type.size()) return Unexpected(ArgError::kOutOfRange);
            return Value{*v};
        }
        case Kind::kInt: {
            auto v = Uint256::parse_signed(text);
            if (!v) return Unexpected(number_error(v.error()));
            Value value{Int{*v}};
            if (!check(type, value)) return Unexpected(ArgError::kOutOfRange);
            return value;
        }
        case Kind::kAddress: {
            std::string with_prefix =
                text.starts_with("0x") || text.starts_with("0X") ? std::string{text} : "0x" + std::string{text};
            auto a = Address::from_hex_lenient(with_prefix);
            if (!a) return Unexpected(ArgError::kBadAddress);
            return Value{*a};
        }
        case Kind::kBool:
            if (text == "true") return Value{true};
            if (text == "false") return Value{false};
            return Unexpected(ArgError::kBadBool);
        case Kind::kFixedBytes:
        case Kind::kBytes: {
            if (!text.starts_with("0x") && !text.starts_with("0X")) return Unexpected(ArgError::kBadHex);
            auto b = from_hex(text);
            if (!b) return Unexpected(ArgError::kBadHex);
            if (type.kind() == Kind::kBytes) return Value{std::move(*b)};
            if (b->size() != type.size()) return Unexpected(ArgError::kWrongLength);
            return Value{FixedBytes{std::move(*b)}};
        }
        case Kind::kString:
            return Value{std::string{text}};
        default:
            return Unexpected(ArgError::kSyntax);
    }
}

// Recursive-descent reader for values nested in brackets.
class Reader {
  public:
    explicit Reader(std::string_view text) : text_{text} {}

    bool done() {
        skip_space();
        return pos_ == text_.size();
    }

    std::expected<Value, ArgError> value(const Type& type) {
        skip_space();
        switch (type.kind()) {
            case Kind::kArray:
            case Kind::kFixedArray: {
                auto items = list('[', ']', [&](std::size_t) -> const Type* { return &type.element(); });
                if (!items) return Unexpected(items.error());
                if (type.kind() == Kind::kFixedArray && items->size() != type.size()) {
                    return Unexpected(ArgError::kWrongLength);
                }
                return Value{Array{std::move(*items)}};
            }
            case Kind::kTuple: {
                const auto& cs = type.components();
                auto items =
                    list('(', ')', [&](std::size_t i) -> const Type* { return i < cs.size() ? &cs[i] : nullptr; });
                if (!items) return Unexpected(items.error());
                if (items->size() != cs.size()) return Unexpected(ArgError::kWrongLength);
                return Value{Tuple{std::move(*items)}};
            }
            case Kind::kString:
                if (peek() == '"') return quoted();
                return scalar(type, bare());
            default:
                return scalar(type, bare());
        }
    }

  private:
    void skip_space() {
        while (pos_ < text_.size() && is_space(text_[pos_]))
            ++pos_;
    }
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

    // Text up to the next separator of the enclosing list, trimmed.
    std::string_view bare() {
        std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != ']' && text_[pos_] != ')')
            ++pos_;
        return trim(text_.substr(start, pos_ - start));
    }

    std::expected<Value, ArgError> quoted() {
        ++pos_;  // opening quote
        std::string out;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            char c = text_[pos_++];
            if (c == '\\') {
                if (pos_ >= text_.size()) return Unexpected(ArgError::kSyntax);
                c = text_[pos_++];
            }
            out += c;
        }
        if (pos_ >= text_.size()) return Unexpected(ArgError::kSyntax);
        ++pos_;  // closing quote
        return Value{std::move(out)};
    }

    template <typename TypeAt>
    std::expected<std::vector<Value>, ArgError> list(char open, char close, TypeAt type_at) {
        if (peek() != open) return Unexpected(ArgError::kSyntax);
        ++pos_;
        std::vector<Value> items;
        skip_space();
        if (peek() == close) {
            ++pos_;
            return items;
        }
        for (;;) {
            const Type* t = type_at(items.size());
            if (t == nullptr) return Unexpected(ArgError::kWrongLength);
            auto v = value(*t);
            if (!v) return Unexpected(v.error());
            items.push_back(std::move(*v));
            skip_space();
            char c = peek();
            if (c == '\0') return Unexpected(ArgError::kSyntax);
            ++pos_;
            if (c == close) return items;
            if (c != ',') return Unexpected(ArgError::kSyntax);
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

std::expected<Value, ArgError> parse_arg(const Type& type, std::string_view text) {
    if (type.kind() == Kind::kString) {
        // A whole argument is the string itself, spaces included.
        if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
        return Value{std::string{text}};
    }
    if (type.kind() != Kind::kArray && type.kind() != Kind::kFixedArray && type.kind() != Kind::kTuple) {
        return scalar(type, trim(text));
    }
    Reader reader{text};
    auto v = reader.value(type);
    if (!v) return v;
    if (!reader.done()) return Unexpected(ArgError::kSyntax);
    return v;
}

std::expected<std::vector<Value>, ArgError> parse_args(std::span<const Type> types,
                                                       std::span<const std::string> texts) {
    if (types.size() != texts.size()) return Unexpected(ArgError::kWrongCount);
    std::vector<Value> out;
    out.reserve(types.size());
    for (std::size_t i = 0; i < types.size(); ++i) {
        auto v = parse_arg(types[i], texts[i]);
        if (!v) return Unexpected(v.error());
        out.push_back(std::move(*v));
    }
    return out;
}

}  // namespace tokensync::core::abi
