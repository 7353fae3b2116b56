#include "infra/env.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/text.hpp"

namespace tokensync::infra {
namespace {

bool is_name(std::string_view s) noexcept {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front())) != 0) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; });
}

// A quoted value starting at s[0] (the quote); returns the value and the
// text after the closing quote, or nullopt when the quote is not closed.
std::optional<std::pair<std::string, std::string_view>> read_quoted(std::string_view s) {
    const char quote = s.front();
    std::string value;
    for (std::size_t i = 1; i < s.size(); ++i) {
        const char c = s[i];
        if (c == quote) return std::pair{value, s.substr(i + 1)};
        if (quote == '"' && c == '\\' && i + 1 < s.size()) {
            const char next = s[++i];
            value += next == 'n' ? '\n' : next == 't' ? '\t' : next;
            continue;
        }
        value += c;
    }
    return std::nullopt;
}

std::optional<DotenvErrorCause> parse_line(std::string_view line, std::map<std::string, std::string>& out) {
    line = core::trim_space(line);
    if (line.empty() || line.front() == '#') return std::nullopt;
    if (line.starts_with("export ")) line = core::trim_space(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return DotenvErrorCause::kMissingEquals;
    const std::string_view key = core::trim_space(line.substr(0, eq));
    if (!is_name(key)) return DotenvErrorCause::kBadKey;
    std::string_view raw = core::trim_space(line.substr(eq + 1));
    if (!raw.empty() && (raw.front() == '"' || raw.front() == '\'')) {
        auto quoted = read_quoted(raw);
        if (!quoted) return DotenvErrorCause::kUnterminatedQuote;
        const std::string_view rest = core::trim_space(quoted->second);
        if (!rest.empty() && rest.front() != '#') return DotenvErrorCause::kTrailingText;
        out[std::string(key)] = std::move(quoted->first);
        return std::nullopt;
    }
    if (const auto comment = raw.find(" #"); comment != std::string_view::npos)
        raw = core::trim_space(raw.substr(0, comment));
    out[std::string(key)] = std::string(raw);
    return std::nullopt;
}

}  // namespace

std::string_view to_string(ExpandErrorCause cause) noexcept {
    switch (cause) {
        case ExpandErrorCause::kUnsetVariable:
            return "variable is not set";
        case ExpandErrorCause::kUnterminated:
            return "unterminated ${";
        case ExpandErrorCause::kBadName:
            return "bad variable name";
    }
    return "unknown expansion error";
}

std::string describe(const ExpandError& error) {
    switch (error.cause) {
        case ExpandErrorCause::kUnsetVariable:
            return fmt::format("environment variable {} is not set (give a default with ${{{}:-value}})",
                               error.variable, error.variable);
        case ExpandErrorCause::kUnterminated:
            return fmt::format("unterminated \"${{{}\" (missing '}}')", error.variable);
        case ExpandErrorCause::kBadName:
            return fmt::format("\"${{{}}}\" is not a valid variable name", error.variable);
    }
    return std::string(to_string(error.cause));
}

std::expected<std::string, ExpandError> expand_variables(std::string_view text, const EnvLookup& lookup) {
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto dollar = text.find('$', pos);
        if (dollar == std::string_view::npos) break;
        out.append(text.substr(pos, dollar - pos));
        if (text.substr(dollar).starts_with("$${")) {
            out.append("${");
            pos = dollar + 3;
            continue;
        }
        if (!text.substr(dollar).starts_with("${")) {
            out += '$';
            pos = dollar + 1;
            continue;
        }
        const auto close = text.find('}', dollar + 2);
        const std::string_view inner =
            text.substr(dollar + 2, close == std::string_view::npos ? text.npos : close - dollar - 2);
        if (close == std::string_view::npos) {
            return std::unexpected(ExpandError{ExpandErrorCause::kUnterminated, std::string(inner)});
        }
        const auto colon = inner.find(":-");
        const std::string_view name = inner.substr(0, colon);
        if (!is_name(name)) return std::unexpected(ExpandError{ExpandErrorCause::kBadName, std::string(inner)});
        const auto value = lookup(name);
        if (colon != std::string_view::npos) {
            out.append(value && !value->empty() ? std::string_view(*value) : inner.substr(colon + 2));
        } else if (value) {
            out.append(*value);
        } else {
            return std::unexpected(ExpandError{ExpandErrorCause::kUnsetVariable, std::string(name)});
        }
        pos = close + 1;
    }
    out.append(text.substr(std::min(pos, text.size())));
    return out;
}

std::string_view to_string(DotenvErrorCause cause) noexcept {
    switch (cause) {
        case DotenvErrorCause::kMissingEquals:
            return "expected KEY=VALUE";
        case DotenvErrorCause::kBadKey:
            return "KEY must be letters, digits and '_', not starting with a digit";
        case DotenvErrorCause::kUnterminatedQuote:
            return "unterminated quote";
        case DotenvErrorCause::kTrailingText:
            return "unexpected text after the closing quote";
    }
    return "unknown .env error";
}

std::expected<std::map<std::string, std::string>, DotenvError> parse_dotenv(std::string_view text) {
    std::map<std::string, std::string> out;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto end = std::min(text.find('\n'), text.size());
        if (auto error = parse_line(text.substr(0, end), out)) {
            return std::unexpected(DotenvError{*error, line_number});
        }
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return out;
}

Environment::Environment(EnvLookup process) : process_(std::move(process)) {}

void Environment::add_dotenv(std::map<std::string, std::string> values) { dotenv_.push_back(std::move(values)); }

std::optional<std::string> Environment::get(std::string_view name) const {
    if (auto value = process_(name)) return value;
    for (const auto& file : dotenv_) {
        if (auto it = file.find(std::string(name)); it != file.end()) return it->second;
    }
    return std::nullopt;
}

EnvLookup Environment::lookup() const {
    return [this](std::string_view name) { return get(name); };
}

EnvLookup Environment::process_lookup() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

void load_dotenv_file(Environment& env, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return;
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto parsed = parse_dotenv(buffer.str());
    if (!parsed) {
        throw std::runtime_error(
            fmt::format("{}:{}: {}", file.string(), parsed.error().line, to_string(parsed.error().cause)));
    }
    env.add_dotenv(std::move(*parsed));
}

}  // namespace tokensync::infra
