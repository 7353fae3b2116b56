#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace tokensync::infra::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kText, kJson };

std::string_view to_string(Level level) noexcept;
std::string_view to_string(Format format) noexcept;
std::optional<Format> parse_format(std::string_view name) noexcept;  // "text" | "json"

using Value = std::variant<bool, std::int64_t, std::uint64_t, double, std::string>;

// One key=value pair of a structured line. The constructors let call sites
// write {{"recovered", 15}, {"url", url}} without naming types. The key must
// outlive the call (a literal, in practice).
struct Field {
    std::string_view key;
    Value value;

    Field(std::string_view k, bool v) : key(k), value(v) {}
    template <std::signed_integral T>
    Field(std::string_view k, T v) : key(k), value(static_cast<std::int64_t>(v)) {}
    template <std::unsigned_integral T>
    requires(!std::same_as<T, bool>) Field(std::string_view k, T v) : key(k), value(static_cast<std::uint64_t>(v)) {}
    Field(std::string_view k, double v) : key(k), value(v) {}
    Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
    Field(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
    Field(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
};

// RFC 3339 in UTC with milliseconds: "2026-11-24T09:03:00.123Z".
std::string format_timestamp(std::chrono::system_clock::time_point t);

// Text: `<ts> <level> <event> k=v k="v with spaces"`; values that are empty or
// hold spaces, quotes, '=', '\' or control characters are double-quoted with
// escapes. Json: {"ts":..,"level":..,"event":..,k:v...}, numbers and booleans
// unquoted. No trailing newline.
std::string format_line(Format format, std::string_view timestamp, Level level, std::string_view event,
                        std::span<const Field> fields);

}  // namespace tokensync::infra::log
