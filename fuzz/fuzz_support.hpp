#pragma once

// Helpers shared by the fuzz targets: splitting the fuzzer's bytes into the
// parts a target needs, and a property check that stops the fuzzer (so it
// saves the input) when a property does not hold.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <source_location>
#include <span>
#include <string_view>
#include <utility>

namespace tokensync::fuzz {

using Input = std::span<const uint8_t>;

// Aborts with the property's description; libFuzzer reports it as a crash.
inline void require(bool holds, const char* property, std::source_location where = std::source_location::current()) {
    if (holds) return;
    std::fprintf(stderr, "fuzz property violated at %s:%u: %s\n", where.file_name(), where.line(), property);
    std::abort();
}

inline std::string_view as_text(Input in) noexcept { return {reinterpret_cast<const char*>(in.data()), in.size()}; }

// The text before the first '\n' (a signature or a type) and the bytes after it.
inline std::pair<std::string_view, Input> split_line(Input in) noexcept {
    const std::string_view text = as_text(in);
    const auto newline = text.find('\n');
    if (newline == std::string_view::npos) return {text, Input{}};
    return {text.substr(0, newline), in.subspan(newline + 1)};
}

// The first byte (0 when empty) and the rest.
inline std::pair<uint8_t, Input> take_byte(Input in) noexcept {
    if (in.empty()) return {0, in};
    return {in.front(), in.subspan(1)};
}

}  // namespace tokensync::fuzz
