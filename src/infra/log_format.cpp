#include "infra/log_format.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

namespace tokensync::infra::log {
namespace {

bool needs_quotes(std::string_view s) noexcept {
    return s.empty() || std::any_of(s.begin(), s.end(), [](char c) {
               return c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
                      c == 0x7f;
           });
}

// Escapes for both formats: the text format quotes like JSON so one reader
// can unquote either.
void append_escaped(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

std::string number_text(double v) { return fmt::format("{}", v); }

void append_text_value(std::string& out, const Value& value) {
    std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::string>) {
                if (needs_quotes(v)) {
                    append_escaped(out, v);
                } else {
                    out += v;
                }
            } else if constexpr (std::is_same_v<T, double>) {
                out += number_text(v);
            } else {
                out += fmt::format("{}", v);
            }
        },
        value);
}

void append_json_value(std::string& out, const Value& value) {
    std::visit(
        [&out](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::string>) {
                append_escaped(out, v);
            } else if constexpr (std::is_same_v<T, double>) {
                out += std::isfinite(v) ? number_text(v) : "null";  // JSON has no NaN or infinity
            } else {
                out += fmt::format("{}", v);
            }
        },
        value);
}

}  // namespace

std::string_view to_string(Level level) noexcept {
    switch (level) {
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warn";
        case Level::kError:
            return "error";
    }
    return "unknown";
}

std::string_view to_string(Format format) noexcept { return format == Format::kJson ? "json" : "text"; }

std::optional<Format> parse_format(std::string_view name) noexcept {
    if (name == "text") return Format::kText;
    if (name == "json") return Format::kJson;
    return std::nullopt;
}

std::string format_timestamp(std::chrono::system_clock::time_point t) {
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday,
                       utc.tm_hour, utc.tm_min, utc.tm_sec, millis % 1000);
}

std::string format_line(Format format, std::string_view timestamp, Level level, std::string_view event,
                        std::span<const Field> fields) {
    std::string out;
    if (format == Format::kJson) {
        out += "{\"ts\":";
        append_escaped(out, timestamp);
        out += ",\"level\":";
        append_escaped(out, to_string(level));
        out += ",\"event\":";
        append_escaped(out, event);
        for (const auto& field : fields) {
            out += ',';
            append_escaped(out, field.key);
            out += ':';
            append_json_value(out, field.value);
        }
        out += '}';
        return out;
    }
    out += fmt::format("{} {:<5} {}", timestamp, to_string(level), event);
    for (const auto& field : fields) {
        out += ' ';
        out += field.key;
        out += '=';
        append_text_value(out, field.value);
    }
    return out;
}

}  // namespace tokensync::infra::log
